//! The rows of the canonical files (SPEC §3) as the generator writes them, with their headers
//! in the order the files use.

use std::net::IpAddr;

/// `applications.csv` row. Field order is the header order.
#[derive(Default, Clone)]
pub struct App {
    pub candidate_id: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub applied_at: String,
    pub claimed_city: String,
    pub claimed_region: String,
    pub claimed_country: String,
    pub claimed_timezone: String,
    pub citizenship: String,
    pub home_address: String,
    pub shipping_address: String,
    pub id_doc_name: String,
    pub id_doc_country: String,
    pub id_doc_address: String,
    pub payment_method: String,
    pub payment_account: String,
    pub payment_country: String,
    pub github_url: String,
    pub linkedin_url: String,
    pub resume_text: String,
    pub photo_hash: String,
    pub source: String,
    pub agency: String,
    pub referred_by: String,
    pub position: String,
    pub ip: String,
    pub user_agent: String,
}

pub const APP_HEADER: [&str; 28] = [
    "candidate_id",
    "full_name",
    "email",
    "phone",
    "applied_at",
    "claimed_city",
    "claimed_region",
    "claimed_country",
    "claimed_timezone",
    "citizenship",
    "home_address",
    "shipping_address",
    "id_doc_name",
    "id_doc_country",
    "id_doc_address",
    "payment_method",
    "payment_account",
    "payment_country",
    "github_url",
    "linkedin_url",
    "resume_text",
    "photo_hash",
    "source",
    "agency",
    "referred_by",
    "position",
    "ip",
    "user_agent",
];

impl App {
    pub fn record(&self) -> [&str; 28] {
        [
            &self.candidate_id,
            &self.full_name,
            &self.email,
            &self.phone,
            &self.applied_at,
            &self.claimed_city,
            &self.claimed_region,
            &self.claimed_country,
            &self.claimed_timezone,
            &self.citizenship,
            &self.home_address,
            &self.shipping_address,
            &self.id_doc_name,
            &self.id_doc_country,
            &self.id_doc_address,
            &self.payment_method,
            &self.payment_account,
            &self.payment_country,
            &self.github_url,
            &self.linkedin_url,
            &self.resume_text,
            &self.photo_hash,
            &self.source,
            &self.agency,
            &self.referred_by,
            &self.position,
            &self.ip,
            &self.user_agent,
        ]
    }
}

/// `interviews.csv` row.
#[derive(Default, Clone)]
pub struct Interview {
    pub interview_id: String,
    pub stage: &'static str,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub platform: &'static str,
    pub ip: String,
    pub display_name: String,
    pub display_name_changes: String,
    pub camera: &'static str,
    pub voice_change: &'static str,
    pub local_knowledge: &'static str,
    pub live_id: &'static str,
    pub live_id_name: String,
    pub language_check: &'static str,
    pub ended_early: &'static str,
    pub screen_share_other_identity: &'static str,
    pub notes: String,
}

pub const INTERVIEW_HEADER: [&str; 18] = [
    "interview_id",
    "candidate_id",
    "stage",
    "started_at",
    "ended_at",
    "platform",
    "ip",
    "display_name",
    "display_name_changes",
    "camera",
    "voice_change",
    "local_knowledge",
    "live_id",
    "live_id_name",
    "language_check",
    "ended_early",
    "screen_share_other_identity",
    "notes",
];

/// `logins.csv` row, without the candidate-level columns. Small and `Copy`: a candidate's
/// logins are built, sorted and written, never kept.
#[derive(Clone, Copy)]
pub struct Login {
    pub ts: i64,
    pub ip: IpAddr,
    pub dev: u8,
    pub ok: bool,
    pub btz: &'static str,
    pub lang: &'static str,
    pub tool: &'static str,
    pub latency: Option<u16>,
}

pub const LOGIN_HEADER: [&str; 13] = [
    "timestamp",
    "account",
    "candidate_id",
    "ip",
    "user_agent",
    "outcome",
    "device_id",
    "device_managed",
    "browser_timezone",
    "browser_language",
    "remote_tool",
    "latency_ms",
    "session_id",
];

pub struct Device {
    pub id: String,
    pub ua: &'static str,
    pub managed: Option<bool>,
}

pub struct Watch {
    pub kind: &'static str,
    pub value: String,
    pub note: &'static str,
}
