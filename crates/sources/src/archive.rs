//! A zip archive, a folder or one file, read an entry at a time. A zip's central
//! directory is read once (the zip crate handles zip64, so archives past 4 GB and
//! 65,535 entries); entry data is decompressed only when asked for, and never past the
//! per-entry limit whatever the headers claim.
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use zip::ZipArchive;

use crate::Problem;

/// Bounds on what one export may make Signpost do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Entries in the archive (or files in the folder).
    pub max_entries: usize,
    /// One entry, decompressed.
    pub max_entry_bytes: u64,
    /// Everything inside one Word document (itself a zip), decompressed.
    pub max_word_bytes: u64,
    /// How deeply HTML elements may nest.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_entries: 2_000_000, max_entry_bytes: 16 * 1024 * 1024, max_word_bytes: 64 * 1024 * 1024, max_depth: 256 }
    }
}

/// One entry: its path inside the export (always `/`-separated) and its size.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub name: String,
    pub size: u64,
    index: usize,
}

enum Inner {
    Zip(Box<ZipArchive<BufReader<File>>>),
    Folder(PathBuf),
    File(PathBuf),
}

pub(crate) struct Archive {
    inner: Inner,
    name: String,
    limits: Limits,
}

impl Archive {
    pub fn open(path: &Path, limits: Limits) -> Result<Archive, Problem> {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        let inner = if path.is_dir() {
            Inner::Folder(path.to_path_buf())
        } else if crate::extension(&name) == "zip" {
            let file = File::open(path).map_err(|e| Problem::new(&name, e.to_string()))?;
            let zip = ZipArchive::new(BufReader::new(file))
                .map_err(|e| Problem::new(&name, format!("is not a readable zip archive ({e}); it may be damaged or cut short")))?;
            if zip.len() > limits.max_entries {
                return Err(Problem::new(
                    &name,
                    format!("holds {} entries; at most {} can be imported at once", zip.len(), limits.max_entries),
                ));
            }
            Inner::Zip(Box::new(zip))
        } else if path.is_file() {
            Inner::File(path.to_path_buf())
        } else {
            return Err(Problem::new(&name, "there is no such file or folder"));
        };
        Ok(Archive { inner, name, limits })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Every file, in a stable order; folders and hidden files (`.DS_Store`, `__MACOSX/`) left out.
    pub fn entries(&mut self) -> Result<Vec<Entry>, Problem> {
        let mut out = Vec::new();
        match &mut self.inner {
            Inner::Zip(zip) => {
                for index in 0..zip.len() {
                    let file = zip.by_index_raw(index).map_err(|e| Problem::new(&self.name, format!("entry {index}: {e}")))?;
                    if file.is_dir() {
                        continue;
                    }
                    // enclosed_name refuses absolute paths and `..`, so a name can never leave the export.
                    let Some(path) = file.enclosed_name() else {
                        return Err(Problem::new(&self.name, format!("entry {:?} has a path outside the archive", file.name())));
                    };
                    let name = path.to_string_lossy().replace('\\', "/");
                    out.push(Entry { name, size: file.size(), index });
                }
            }
            Inner::Folder(root) => {
                let root = root.clone();
                walk(&root, &root, &mut out, self.limits.max_entries).map_err(|e| Problem::new(&self.name, e.to_string()))?;
            }
            Inner::File(path) => {
                let size = std::fs::metadata(&*path).map_err(|e| Problem::new(&self.name, e.to_string()))?.len();
                out.push(Entry { name: self.name.clone(), size, index: 0 });
            }
        }
        out.retain(|e| !e.name.split('/').any(|part| part.starts_with('.') || part == "__MACOSX"));
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// The entry's bytes, refusing one that decompresses past the limit or fails its checksum.
    pub fn read(&mut self, entry: &Entry) -> Result<Vec<u8>, Problem> {
        let limit = self.limits.max_entry_bytes;
        let too_large = || {
            Problem::new(&entry.name, format!("is larger than {} MiB once decompressed; split it or leave it out", limit / (1024 * 1024)))
        };
        let mut out = Vec::new();
        let io = |e: std::io::Error| Problem::new(&entry.name, format!("could not be read: {e}"));
        match &mut self.inner {
            Inner::Zip(zip) => {
                let file = zip
                    .by_index(entry.index)
                    .map_err(|e| Problem::new(&entry.name, format!("could not be read ({e}); the archive may be damaged")))?;
                file.take(limit + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| Problem::new(&entry.name, format!("could not be decompressed ({e}); the archive is damaged here")))?;
            }
            Inner::Folder(root) => {
                File::open(root.join(&entry.name)).map_err(io)?.take(limit + 1).read_to_end(&mut out).map_err(io)?;
            }
            Inner::File(path) => {
                File::open(&*path).map_err(io)?.take(limit + 1).read_to_end(&mut out).map_err(io)?;
            }
        }
        if out.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(out)
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Entry>, max: usize) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let kind = e.file_type()?;
        // Symbolic links are not followed, so a folder cannot point the import elsewhere on the disk.
        if kind.is_dir() {
            walk(root, &e.path(), out, max)?;
        } else if kind.is_file() {
            let path = e.path();
            let name = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            out.push(Entry { name, size: e.metadata()?.len(), index: 0 });
            if out.len() > max {
                return Err(std::io::Error::other(format!("holds more than {max} files")));
            }
        }
    }
    Ok(())
}

/// One part of a zip held in memory (an image inside a Word document), within `max` bytes.
pub(crate) fn read_inner(place: &str, bytes: &[u8], part: &str, max: u64) -> Result<Vec<u8>, Problem> {
    let mut zip = ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| Problem::new(place, format!("is damaged ({e})")))?;
    let file = zip.by_name(part).map_err(|_| Problem::new(place, "is not in the document"))?;
    let mut out = Vec::new();
    file.take(max + 1).read_to_end(&mut out).map_err(|e| Problem::new(place, format!("is damaged ({e})")))?;
    if out.len() as u64 > max {
        return Err(Problem::new(place, format!("is larger than {} MiB", max / (1024 * 1024))));
    }
    Ok(out)
}

/// Refuses a zip held in memory (a Word document) whose entries decompress past `max` bytes
/// in total, counting by decompressing rather than trusting the headers.
pub(crate) fn check_inner_zip(place: &str, bytes: &[u8], max: u64) -> Result<(), Problem> {
    let mut zip = ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| Problem::new(place, format!("is not a readable Word document ({e}); it may be damaged")))?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let file = zip.by_index(i).map_err(|e| Problem::new(place, format!("is damaged ({e})")))?;
        total += std::io::copy(&mut file.take(max + 1 - total.min(max)), &mut std::io::sink())
            .map_err(|e| Problem::new(place, format!("is damaged ({e})")))?;
        if total > max {
            return Err(Problem::new(place, format!("decompresses to more than {} MiB", max / (1024 * 1024))));
        }
    }
    Ok(())
}
