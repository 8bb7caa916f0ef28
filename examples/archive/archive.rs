//! The archive's handlers: every post-action webhook and every Event Streams event appended to a
//! JSON Lines file, on disk before the acknowledgement goes out.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use twilio_webhooks::handler::State;
use twilio_webhooks::router::Webhooks;
use twilio_webhooks::streams::BatchItem;
use twilio_webhooks::{post_action, PostActionEvent};

/// An append-only JSON Lines file shared by all requests.
#[derive(Debug, Clone)]
pub struct Archive {
    file: Arc<Mutex<File>>,
    path: Arc<PathBuf>,
}

impl Archive {
    /// Opens (creating if needed) the file to append to.
    pub fn open(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        Ok(Self {
            file: Arc::new(Mutex::new(file)),
            path: Arc::new(path),
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and waits until it is on disk. Lines from concurrent calls never
    /// interleave: each is written whole, under a lock, in one `write_all`.
    pub async fn append(&self, event: &impl serde::Serialize) -> io::Result<()> {
        let mut line = serde_json::to_vec(event)?;
        line.push(b'\n');
        let file = Arc::clone(&self.file);
        tokio::task::spawn_blocking(move || {
            let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            file.write_all(&line)?;
            file.sync_data()
        })
        .await
        .map_err(io::Error::other)?
    }
}

/// Every post-action event: appended, synced, then acknowledged. A failed write answers 500, so
/// Twilio's retry (if configured) gets another chance.
#[post_action]
pub async fn archive_event(
    event: PostActionEvent,
    State(archive): State<Archive>,
) -> io::Result<()> {
    archive.append(&event).await
}

/// Every Event Streams event, as one line: `event_type`, `event_id` and its data in snake_case.
/// An event whose data does not fit its type is written too, with its error and its data as
/// received, so nothing is lost and the rest of its batch is still written.
pub async fn archive_cloud_event(
    item: BatchItem,
    State(archive): State<Archive>,
) -> io::Result<()> {
    match item {
        Ok(event) => archive.append(&event).await,
        Err(invalid) => archive.append(&invalid).await,
    }
}

/// The archive's router builder: all thirteen post-action webhooks at
/// `/twilio/conversations` (pre-action events are accepted unchanged) and every Event Streams
/// event at `/twilio/events`.
pub fn webhooks() -> Webhooks<Archive> {
    Webhooks::new()
        .post_action(archive_event)
        .stream_event(archive_cloud_event)
}
