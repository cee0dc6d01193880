//! The demo's learning history: for each subject, a finished project with the
//! lessons its team recorded, and new projects on the same subject described in
//! other words (the labelled set the lessons loop is measured on).

/// A lesson as a team wrote it: title, observation, insight, recommendation.
pub type LessonText = (&'static str, &'static str, &'static str, &'static str);

/// One subject the demo organisation has learned about.
pub struct Topic {
    /// Label for the measurement.
    pub key: &'static str,
    /// The team that did the past work.
    pub team: &'static str,
    /// The past project: title, description, tags.
    pub past: (&'static str, &'static str, &'static [&'static str]),
    /// The technique its lessons came from.
    pub technique: &'static str,
    /// The lessons recorded.
    pub lessons: [LessonText; 2],
    /// New projects on the same subject: title, description, tags.
    pub new: [(&'static str, &'static str, &'static [&'static str]); 2],
}

pub fn topics() -> Vec<Topic> {
    vec![
        Topic {
            key: "staff-flu",
            team: "Vaccination Service",
            past: (
                "Staff flu campaign 2025",
                "Vaccinate frontline staff against influenza across all sites through walk-in clinics and peer vaccinators on wards.",
                &["flu", "vaccination", "staff health"],
            ),
            technique: "retrospect",
            lessons: [
                (
                    "Peer vaccinators reach night staff that clinics miss",
                    "Uptake among night staff was 20 points lower until ward-based peer vaccinators started covering night shifts.",
                    "Clinic hours suited day staff; night staff could not leave the ward.",
                    "Recruit and train a peer vaccinator on every ward before the campaign starts, including night teams.",
                ),
                (
                    "Book staff into clinic slots instead of walk-in queues",
                    "Walk-in queues peaked at 40 minutes in the first week and staff gave up and went back to work.",
                    "Unpredictable demand at opening times drove the queues, not a lack of vaccinators.",
                    "Offer bookable 10-minute slots with a consent link sent the day before.",
                ),
            ],
            new: [
                (
                    "Winter immunisation drive for hospital employees",
                    "Plan this winter's influenza and COVID-19 jabs for our own workforce, aiming for 80% uptake among patient-facing staff.",
                    &["immunisation"],
                ),
                (
                    "Raising uptake of seasonal jabs among nurses on nights",
                    "Night-shift nurses have the lowest uptake of the seasonal vaccine; we want a plan that reaches them on the wards.",
                    &["nursing", "winter"],
                ),
            ],
        },
        Topic {
            key: "norovirus",
            team: "Infection Prevention and Control",
            past: (
                "Norovirus outbreak management review",
                "Review how the trust contained last winter's norovirus outbreaks on medical wards and what slowed bed recovery.",
                &["norovirus", "outbreak", "infection control"],
            ),
            technique: "after-action-review",
            lessons: [
                (
                    "Close bays, not whole wards, with one named flow contact",
                    "Whole-ward closures cost 300 bed days; where only affected bays closed, recovery was two days faster.",
                    "Bay closure works only when patient flow hears which bays are shut from one person.",
                    "Close affected bays, name one contact for patient flow at the first outbreak huddle.",
                ),
                (
                    "Agree the enhanced cleaning rota at the first huddle",
                    "Cleaning started up to 14 hours after symptoms were reported because domestic rotas were not agreed.",
                    "Estates were not invited to the first huddle.",
                    "Invite estates to every outbreak huddle and agree the cleaning rota before it ends.",
                ),
            ],
            new: [
                (
                    "Preparing wards for winter diarrhoea and vomiting outbreaks",
                    "Get medical wards ready to contain gastrointestinal infection quickly this winter without losing whole wards of beds.",
                    &["winter", "wards"],
                ),
                (
                    "Gastro bug containment plan for the elderly care unit",
                    "Write a containment plan for vomiting bugs in our elderly care beds, including cleaning and bay closures.",
                    &["elderly care"],
                ),
            ],
        },
        Topic {
            key: "handover",
            team: "Patient Safety",
            past: (
                "SBAR handover improvement on surgical wards",
                "Introduce a structured SBAR handover between nursing shifts on three surgical wards and audit its use.",
                &["handover", "sbar", "patient safety"],
            ),
            technique: "after-action-review",
            lessons: [
                (
                    "Hand over deteriorating patients at the bedside",
                    "Two incidents involved deterioration that was mentioned only in the office handover and not seen.",
                    "Office handovers let the most important patients blend into the list.",
                    "Hand over deteriorating and newly admitted patients at the bedside, every shift.",
                ),
                (
                    "A handover form without training changes little",
                    "Audit showed the SBAR form was used in 90% of handovers but key recommendations were often blank.",
                    "Staff filled in the form without understanding the assessment and recommendation steps.",
                    "Pair the handover tool with short training and spot-check audits, not a form alone.",
                ),
            ],
            new: [
                (
                    "Safer shift change communication in acute medicine",
                    "Nurses on the acute medical unit want a more reliable way of passing on patient information when shifts change over.",
                    &["communication"],
                ),
                (
                    "Structured nurse-to-nurse patient transfer of care",
                    "Standardise what is passed on when care moves from one nurse to the next between day and night shifts.",
                    &["nursing"],
                ),
            ],
        },
        Topic {
            key: "sepsis",
            team: "Emergency Department",
            past: (
                "Sepsis screening in the emergency department",
                "Improve the time to antibiotics for adults with suspected sepsis arriving at the emergency department.",
                &["sepsis", "emergency", "antibiotics"],
            ),
            technique: "retrospect",
            lessons: [
                (
                    "Screen for sepsis at triage, not after the doctor's review",
                    "Median time to antibiotics fell from 95 to 52 minutes once triage nurses started the screening tool.",
                    "Waiting for a doctor's review delayed the whole pathway.",
                    "Make the triage nurse responsible for starting sepsis screening and the first blood tests.",
                ),
                (
                    "Keep antibiotic grab bags in resus and majors",
                    "Antibiotics were delayed while nurses fetched keys and drugs from pharmacy cupboards.",
                    "The delay was in finding the drugs, not prescribing them.",
                    "Stock sealed antibiotic grab bags in resus and majors and check them every shift.",
                ),
            ],
            new: [
                (
                    "Faster treatment of infected patients with suspected blood poisoning",
                    "Cut the delay before intravenous antibiotics for deteriorating adults with infection who come in by ambulance.",
                    &["infection"],
                ),
                (
                    "Early recognition of septic adults arriving at A&E",
                    "Help A&E staff spot adults with infection who are becoming critically unwell and start treatment in the first hour.",
                    &["a&e"],
                ),
            ],
        },
        Topic {
            key: "discharge",
            team: "Acute Medical Unit",
            past: (
                "Discharge before midday pilot",
                "Pilot planning discharges the day before so patients leave the acute medical unit before noon.",
                &["discharge", "patient flow"],
            ),
            technique: "after-action-review",
            lessons: [
                (
                    "Write discharge prescriptions the afternoon before",
                    "Most late discharges waited two to four hours for medicines to take home.",
                    "Prescriptions were written on the morning of discharge and queued in pharmacy.",
                    "Write take-home prescriptions the afternoon before the planned discharge date.",
                ),
                (
                    "Agree transport at the board round",
                    "Patients ready by 10am waited until mid-afternoon for hospital transport.",
                    "Transport was only booked once the patient was medically fit on the day.",
                    "Book transport at the previous day's board round for every patient with a planned discharge.",
                ),
            ],
            new: [
                (
                    "Getting medically fit patients home earlier in the day",
                    "Reduce the number of patients who leave the hospital in the evening, freeing beds for admissions from the emergency department.",
                    &["beds"],
                ),
                (
                    "Reducing delays when people leave hospital",
                    "Find out why patients who are ready to go home wait for hours, and fix the biggest causes.",
                    &["flow"],
                ),
            ],
        },
        Topic {
            key: "falls",
            team: "Patient Safety",
            past: (
                "Falls prevention on older people's wards",
                "Reduce inpatient falls with harm on two wards for older people using multifactorial risk assessment.",
                &["falls", "older people", "harm"],
            ),
            technique: "retrospect",
            lessons: [
                (
                    "Lying and standing blood pressure needs a prompt in the record",
                    "Lying and standing blood pressure was measured for only 30% of patients until it became a required field.",
                    "Staff knew it mattered but forgot it without a prompt.",
                    "Build lying and standing blood pressure into the admission record as a required step.",
                ),
                (
                    "Bay nursing works when the nurse stays in the bay",
                    "Falls fell by a third in bays with a nurse assigned to stay there, but rose again when staff were pulled away.",
                    "The benefit came from constant presence, not from the label of bay nursing.",
                    "Protect the bay nurse from being moved during a shift, and escalate when it cannot be staffed.",
                ),
            ],
            new: [
                (
                    "Keeping frail inpatients on their feet safely",
                    "Reduce the number of frail elderly patients who slip or trip on our medical wards and are injured.",
                    &["frailty"],
                ),
                (
                    "Reducing injuries from patient slips and trips at night",
                    "Most of our injurious incidents from patients tumbling out of bed happen at night; plan changes to prevent them.",
                    &["night"],
                ),
            ],
        },
        Topic {
            key: "epr",
            team: "Digital Services",
            past: (
                "Electronic patient record go-live in outpatients",
                "Move outpatient clinics from paper notes to the electronic patient record across four sites.",
                &["electronic patient record", "digital", "go-live"],
            ),
            technique: "retrospect",
            lessons: [
                (
                    "Super users on every shift for the first fortnight",
                    "Clinics with a super user present ran on time from week one; those without ran 40 minutes late for a month.",
                    "Help at the point of need mattered more than classroom training.",
                    "Roster trained super users on every clinic session for the first two weeks after go-live.",
                ),
                (
                    "Reduce clinic templates before go-live, not after",
                    "Clinics lost slots because templates were built for full capacity from day one.",
                    "Staff needed time to learn the system while seeing patients.",
                    "Cut clinic templates by a quarter for the first two weeks and restore them gradually.",
                ),
            ],
            new: [
                (
                    "Moving the community teams onto the digital health record",
                    "Take community nursing teams off paper and onto the new digital care record without losing visits.",
                    &["community"],
                ),
                (
                    "Launching electronic prescribing on the wards",
                    "Switch inpatient wards from paper drug charts to electronic prescribing and medicines administration.",
                    &["prescribing"],
                ),
            ],
        },
        Topic {
            key: "maternity-triage",
            team: "Maternity Services",
            past: (
                "Maternity triage telephone line",
                "Set up a dedicated triage telephone line staffed by midwives for pregnant women with concerns.",
                &["maternity", "triage", "telephone"],
            ),
            technique: "after-action-review",
            lessons: [
                (
                    "Use a standard set of triage questions on every call",
                    "Advice differed between midwives for the same symptoms, and two women were asked to come in late.",
                    "Without a structured script, experience decided the advice.",
                    "Use a standard, evidence-based set of triage questions with clear thresholds for asking women to attend.",
                ),
                (
                    "Ring-fence the triage midwife from the labour ward",
                    "Calls went unanswered for up to 20 minutes when the triage midwife was pulled onto the labour ward.",
                    "The line was staffed from the labour ward rota.",
                    "Give the telephone triage midwife a separate rota line and escalate when it cannot be covered.",
                ),
            ],
            new: [
                (
                    "Advice line for pregnant women worried about symptoms",
                    "Give expectant mothers one number to call day and night when they are worried about bleeding, pain or reduced movements.",
                    &["pregnancy"],
                ),
                (
                    "Improving the obstetric assessment phone service",
                    "Our phone service for women in pregnancy gives inconsistent advice and calls go unanswered; plan improvements.",
                    &["obstetrics"],
                ),
            ],
        },
        Topic {
            key: "news2",
            team: "Critical Care",
            past: (
                "NEWS2 escalation on medical wards",
                "Improve escalation of deteriorating patients using the NEWS2 early warning score and the outreach team.",
                &["news2", "deterioration", "escalation"],
            ),
            technique: "retrospect",
            lessons: [
                (
                    "Escalate on the trend, not only the threshold",
                    "Several patients were escalated only when their score reached 7, though it had risen steadily for 12 hours.",
                    "Staff waited for a trigger number instead of acting on a rising trend.",
                    "Teach and prompt escalation when the early warning score rises by two or more, even below the threshold.",
                ),
                (
                    "Give ward nurses a direct line to outreach",
                    "Escalations were delayed going through the registrar bleep first.",
                    "The escalation route had too many steps at night.",
                    "Let ward nurses call the outreach team directly for any patient with a high or rising score.",
                ),
            ],
            new: [
                (
                    "Responding sooner to patients who are getting sicker",
                    "Help ward teams recognise and respond to adults whose observations show they are becoming critically unwell.",
                    &["critical care"],
                ),
                (
                    "Early warning scores and outreach at night",
                    "Night staff escalate deteriorating patients late; improve how the warning score and outreach team are used overnight.",
                    &["night"],
                ),
            ],
        },
        Topic {
            key: "time-critical-medicines",
            team: "Library and Knowledge Services",
            past: (
                "Missed doses of time-critical medicines",
                "Reduce missed and delayed doses of time-critical medicines such as Parkinson's drugs and insulin on inpatient wards.",
                &["medicines safety", "missed doses", "parkinson's"],
            ),
            technique: "knowledge-cafe",
            lessons: [
                (
                    "Give Parkinson's medicines their own prompt on the drug round",
                    "Parkinson's doses were given on average 45 minutes late because they fell between drug rounds.",
                    "Drug rounds are timed for the ward, not for each patient's medicine.",
                    "Add an electronic prompt for time-critical doses that sits outside the standard drug round.",
                ),
                (
                    "Let patients keep and take their own medicines where safe",
                    "Patients used to managing their own Parkinson's medicines missed fewer doses when allowed to self-administer.",
                    "Patients know their own timing better than a ward routine.",
                    "Assess every patient on time-critical medicines for self-administration on admission.",
                ),
            ],
            new: [
                (
                    "Making sure Parkinson's patients get their tablets on time",
                    "Patients with Parkinson's disease often get their medication late on our wards; find out why and change it.",
                    &["parkinson's"],
                ),
                (
                    "Insulin and other critical doses given on schedule",
                    "Reduce late insulin and other must-not-miss doses for inpatients.",
                    &["insulin"],
                ),
            ],
        },
        Topic {
            key: "preceptorship",
            team: "Workforce Development",
            past: (
                "Preceptorship for newly qualified nurses",
                "Redesign the first-year preceptorship programme to keep newly registered nurses in the trust.",
                &["preceptorship", "retention", "nursing"],
            ),
            technique: "retrospect",
            lessons: [
                (
                    "Protected time with the preceptor matters more than study days",
                    "Nurses who had fortnightly protected time with their preceptor were far more likely to stay after a year.",
                    "Support on the ward mattered more than classroom days.",
                    "Roster one protected hour a fortnight for each preceptee and preceptor.",
                ),
                (
                    "Rotations help retention when nurses choose them",
                    "Rotations assigned without choice were the most common reason given for leaving.",
                    "Choice, not variety, made rotations valuable.",
                    "Let newly qualified nurses choose their rotations from a menu agreed with ward managers.",
                ),
            ],
            new: [
                (
                    "Supporting nurses in their first year after registration",
                    "Too many new nurses leave within a year of qualifying; design better support for their first twelve months.",
                    &["workforce"],
                ),
                (
                    "Retaining newly registered midwives",
                    "Plan a first-year support programme so that newly qualified midwives stay with us.",
                    &["midwifery"],
                ),
            ],
        },
        Topic {
            key: "pressure-ulcers",
            team: "Community Nursing",
            past: (
                "Pressure ulcer prevention in community nursing",
                "Reduce avoidable pressure ulcers among housebound patients on district nursing caseloads.",
                &["pressure ulcers", "tissue viability", "community"],
            ),
            technique: "after-action-review",
            lessons: [
                (
                    "Teach carers to check skin at every visit",
                    "Most new pressure damage was first found by district nurses days after it began.",
                    "Family and paid carers saw the skin daily but did not know what to look for.",
                    "Give carers a simple skin check card and show them how to use it at the first visit.",
                ),
                (
                    "Order pressure-relieving mattresses the same day",
                    "Equipment took up to five days to arrive after a patient was assessed as high risk.",
                    "Ordering waited for a weekly equipment review.",
                    "Allow district nurses to order pressure-relieving equipment directly on the day of assessment.",
                ),
            ],
            new: [
                (
                    "Preventing bed sores in housebound patients",
                    "Reduce skin damage from lying in bed among patients our district nurses visit at home.",
                    &["district nursing"],
                ),
                (
                    "Skin integrity for patients in care homes",
                    "Work with local care homes to prevent skin breakdown among residents who cannot move themselves.",
                    &["care homes"],
                ),
            ],
        },
    ]
}
