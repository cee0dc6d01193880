//! Signpost's local sentence-embedding runtime: a BERT model in the
//! sentence-transformers layout (`config.json`, `model.safetensors`,
//! `tokenizer.json`), run on the CPU with candle. Nothing is fetched: the model is
//! read from a folder the operator points at.
#![warn(missing_docs)]

use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use signpost_domain::ports::{EmbedError, Embedder};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Tokens the model reads of one text (all-MiniLM-L6-v2's `max_seq_length`).
pub const MAX_TOKENS: usize = 256;
/// Texts run through the model at once; similar lengths are batched together.
const BATCH: usize = 16;

fn fail(what: &str, e: impl std::fmt::Display) -> EmbedError {
    EmbedError(format!("{what}: {e}"))
}

/// A sentence-embedding model loaded from a folder.
pub struct SentenceModel {
    name: String,
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

impl SentenceModel {
    /// Loads the model in `dir`. Its vectors are stored under the folder's name
    /// (the parent's when the folder is called `model`), so a different model
    /// never reuses them.
    pub fn open(dir: &Path) -> Result<Self, EmbedError> {
        let device = Device::Cpu;
        let read = |file: &str| std::fs::read_to_string(dir.join(file)).map_err(|e| fail(&dir.join(file).display().to_string(), e));
        let config: Config = serde_json::from_str(&read("config.json")?).map_err(|e| fail("config.json", e))?;
        let weights = candle_core::safetensors::load(dir.join("model.safetensors"), &device).map_err(|e| fail("model.safetensors", e))?;
        let model =
            BertModel::load(VarBuilder::from_tensors(weights, DType::F32, &device), &config).map_err(|e| fail("model.safetensors", e))?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json")).map_err(|e| fail("tokenizer.json", e))?;
        // The shipped tokenizer pads every text to 128 and cuts there: pad only to the
        // longest text of a batch, and read as far as the model was trained to.
        tokenizer.with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..PaddingParams::default() }));
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..TruncationParams::default() }))
            .map_err(|e| fail("tokenizer.json", e))?;
        let folder = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = match folder(dir) {
            Some(n) if n == "model" => dir.parent().and_then(folder).unwrap_or(n),
            Some(n) => n,
            None => "model".to_string(),
        };
        Ok(SentenceModel { name, model, tokenizer, device })
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let encodings = self.tokenizer.encode_batch(texts.to_vec(), true).map_err(|e| fail("tokenising", e))?;
        let len = encodings.first().map_or(0, |e| e.len());
        let ids: Vec<u32> = encodings.iter().flat_map(|e| e.get_ids().to_vec()).collect();
        let mask: Vec<u32> = encodings.iter().flat_map(|e| e.get_attention_mask().to_vec()).collect();
        let shape = (texts.len(), len);
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let ids = Tensor::from_vec(ids, shape, &self.device)?;
            let mask = Tensor::from_vec(mask, shape, &self.device)?;
            let types = ids.zeros_like()?;
            let hidden = self.model.forward(&ids, &types, Some(&mask))?;
            // Mean of the token vectors the mask keeps, then unit length.
            let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
            let mean = summed.broadcast_div(&mask.sum(1)?)?;
            let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
            mean.broadcast_div(&norm)?.to_vec2::<f32>()
        };
        run().map_err(|e| fail("running the model", e))
    }
}

impl Embedder for SentenceModel {
    fn model(&self) -> &str {
        &self.name
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        // Padding is wasted work: batch texts of similar length, then restore the order.
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let mut out = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            for (&i, v) in chunk.iter().zip(self.embed_batch(&batch)?) {
                out[i] = v;
            }
        }
        Ok(out)
    }
}
