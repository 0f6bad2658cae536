//! The live stream's one follower per process and its fan-out. The follower reads the
//! `events` table after the last id it saw whenever `Db::writes` changes (this process's
//! writes, and on PostgreSQL every instance's: `NOTIFY newsroom_events`), and once a second
//! regardless; it renders each public event once as an SSE message, keeps the newest
//! `STREAM_REPLAY_EVENTS` of them for clients that resume, and hands them to every open
//! stream through one broadcast channel.

use actix_web::web::{self, Bytes};
use serde_json::json;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;
use tokio::time::{Instant, Interval, MissedTickBehavior};

use super::model::Filter;
use crate::config::StreamSettings;
use crate::db::Db;
use crate::error::ApiError;
use crate::events::{self, Event, EventKind};
use crate::time::Timestamp;

/// How often the follower reads the table when it heard of no write: the bound on how late
/// an event can be if a notification was lost (a listener reconnecting on PostgreSQL).
const POLL_EVERY: Duration = Duration::from_secs(1);
/// Events read per query while catching up.
const READ_BATCH: i64 = 500;
/// How many events a client may fall behind the newest before it is disconnected. Its
/// `EventSource` reconnects with `Last-Event-ID` and resumes from the replay window, so
/// nothing is lost unless it fell further behind than the window too.
const LIVE_CAPACITY: usize = 256;
/// The `retry:` hint sent first: how long a disconnected `EventSource` waits to reconnect.
pub const RETRY_MILLISECONDS: u64 = 3000;

/// The follower's window and the open streams, shared by every worker.
pub struct StreamState {
    shared: Arc<Shared>,
}

struct Shared {
    settings: StreamSettings,
    window: Mutex<Window>,
    live: broadcast::Sender<Arc<Frame>>,
    open: AtomicUsize,
    /// Set when the server stops: every stream ends, so the graceful stop does not wait.
    closing: watch::Sender<bool>,
}

/// One public event, rendered once for every client.
struct Frame {
    id: i64,
    kind: EventKind,
    /// The article's category slug, for `?category=`.
    category: Option<String>,
    message: Bytes,
}

/// The recent public events, and how far back they reach.
struct Window {
    frames: VecDeque<Arc<Frame>>,
    /// Every public event with a larger id, up to `newest`, is in `frames`.
    held_after: i64,
    /// The newest event read, public or not.
    newest: i64,
}

/// Where a client starts.
#[derive(Debug, Clone, Copy)]
pub enum Resume {
    /// With the next event.
    Live,
    /// After this event id (`Last-Event-ID`).
    After(i64),
    /// After an id that cannot be one of ours: told to reload.
    Unknown,
}

/// A stream's place among the `STREAM_MAX_CONNECTIONS`, given back when it is dropped: when
/// the client goes away, actix drops the response body that holds it.
pub struct Slot(Arc<Shared>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A new stream, subscribed before its replay was read so that nothing falls between.
pub struct Opening {
    replay: Vec<Arc<Frame>>,
    /// The id a `reset` event carries, when the client must reload.
    reset_at: Option<i64>,
    /// Live frames up to this id were replayed or are older than the client's place.
    after: i64,
    /// The client's id is newer than this instance has read: the database must say
    /// whether it exists (another instance may simply be ahead by a few milliseconds).
    ahead: bool,
    live: broadcast::Receiver<Arc<Frame>>,
}

impl StreamState {
    /// Loads the newest `STREAM_REPLAY_EVENTS` events, so that clients can resume across a
    /// restart of this instance.
    pub fn new(db: &Db, settings: &StreamSettings) -> Result<Self, String> {
        let limit = i64::try_from(settings.replay_events).unwrap_or(i64::MAX);
        let recent = db
            .read_blocking(|conn| Ok(events::latest(conn, limit)?))
            .map_err(|error| format!("cannot read the events table: {error}"))?;
        let held_after = recent.first().map_or(0, |event| event.id.saturating_sub(1));
        let mut window = Window {
            frames: VecDeque::new(),
            held_after,
            newest: held_after,
        };
        window.take_in(&recent, settings.replay_events);
        Ok(Self {
            shared: Arc::new(Shared {
                settings: settings.clone(),
                window: Mutex::new(window),
                live: broadcast::channel(LIVE_CAPACITY).0,
                open: AtomicUsize::new(0),
                closing: watch::Sender::new(false),
            }),
        })
    }

    /// Follows the `events` table until the process ends.
    pub fn spawn_follower(state: web::Data<Self>, db: Db) {
        actix_web::rt::spawn(async move {
            let mut writes = db.writes();
            loop {
                // A write heard, or a second gone by: read either way.
                Db::next_write(&mut writes, POLL_EVERY).await;
                if let Err(error) = state.catch_up(&db).await {
                    tracing::warn!(%error, "the live stream could not read new events; will retry");
                }
            }
        });
    }

    /// Reads every event after the newest seen, and sends on the public ones.
    async fn catch_up(&self, db: &Db) -> Result<(), ApiError> {
        loop {
            let newest = self.window().newest;
            let batch = db
                .read(move |conn| Ok(events::after(conn, newest, READ_BATCH)?))
                .await?;
            let Some(last) = batch.last() else {
                return Ok(());
            };
            let full = i64::try_from(batch.len()).unwrap_or(i64::MAX) >= READ_BATCH;
            let last = last.id;
            let mut window = self.window();
            let frames = window.take_in(&batch, self.shared.settings.replay_events);
            window.newest = window.newest.max(last);
            // Sent while the window is locked: a stream that opens reads the window and
            // subscribes under the same lock, so it sees each frame in one place or the other.
            for frame in frames {
                // No receivers is no error: nobody is listening.
                let _ = self.shared.live.send(frame);
            }
            drop(window);
            if !full {
                return Ok(());
            }
        }
    }

    fn window(&self) -> MutexGuard<'_, Window> {
        // A panic while holding it cannot leave the window half-changed in a way that
        // matters more than losing the stream: carry on with what is there.
        self.shared
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes one of the `STREAM_MAX_CONNECTIONS` slots, if one is free.
    pub fn try_open(&self) -> Option<Slot> {
        let max = self.shared.settings.max_connections;
        self.shared
            .open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < max).then_some(open + 1)
            })
            .ok()
            .map(|_| Slot(self.shared.clone()))
    }

    /// Subscribes a new stream and finds what it must be sent first.
    pub fn subscribe(&self, resume: Resume) -> Opening {
        let window = self.window();
        let live = self.shared.live.subscribe();
        let newest = window.newest;
        let mut opening = Opening {
            replay: Vec::new(),
            reset_at: None,
            after: newest,
            ahead: false,
            live,
        };
        match resume {
            Resume::Live => {}
            Resume::After(id) if id > newest => {
                opening.after = id;
                opening.ahead = true;
            }
            Resume::After(id) if id >= window.held_after => {
                opening.replay = window
                    .frames
                    .iter()
                    .filter(|frame| frame.id > id)
                    .cloned()
                    .collect();
            }
            Resume::After(_) | Resume::Unknown => opening.reset_at = Some(newest),
        }
        opening
    }

    /// Ends every stream (the server is stopping); new ones end at once.
    pub fn close_all(&self) {
        self.shared.closing.send_replace(true);
    }

    /// Ends every stream when the server is told to stop (SIGTERM, SIGINT, which actix
    /// hears too): its graceful stop waits for open connections, up to its 30-second
    /// shutdown timeout, and a stream never ends by itself. Clients reconnect with
    /// `Last-Event-ID`, to another instance or this one restarted.
    pub fn close_on_stop(state: web::Data<Self>) {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        actix_web::rt::spawn(async move {
            let (Ok(mut terminate), Ok(mut interrupt)) = (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            ) else {
                tracing::warn!(
                    "cannot hear stop signals: a stop waits up to 30 s for open streams"
                );
                return;
            };
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
            state.close_all();
        });
    }

    /// The body of one stream: the `retry:` hint, a `reset` or the replayed events, then
    /// live events and heartbeats until the client leaves, falls too far behind, or the
    /// server stops.
    pub fn body(
        &self,
        slot: Slot,
        opening: Opening,
        filter: Filter,
    ) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> + 'static {
        let mut queued = VecDeque::new();
        queued.push_back(Bytes::from(format!("retry: {RETRY_MILLISECONDS}\n\n")));
        if let Some(id) = opening.reset_at {
            queued.push_back(reset_message(id));
        }
        queued.extend(
            opening
                .replay
                .iter()
                .filter(|frame| filter.admits(frame.kind, frame.category.as_deref()))
                .map(|frame| frame.message.clone()),
        );
        let period = Duration::from_secs(self.shared.settings.heartbeat_seconds);
        let mut heartbeat = tokio::time::interval_at(Instant::now() + period, period);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let client = Client {
            queued,
            live: opening.live,
            after: opening.after,
            filter,
            heartbeat,
            closing: self.shared.closing.subscribe(),
            _slot: slot,
        };
        futures_util::stream::unfold(client, Client::next)
    }
}

impl Opening {
    /// Takes in the database's newest event id, read after subscribing, since the follower
    /// may not have read the newest events yet: a live client starts after it (an event
    /// committed before the client came is not news to it), and an id newer than it was
    /// never given by this database (another site's, or from before a restore): reload.
    pub fn settle(&mut self, resume: Resume, database_newest: i64) {
        match resume {
            Resume::Live => self.after = self.after.max(database_newest),
            Resume::After(id) if self.ahead && id > database_newest => {
                self.reset_at = Some(database_newest);
                self.after = database_newest;
            }
            Resume::After(_) | Resume::Unknown => {}
        }
    }
}

impl Window {
    /// Keeps the public events among `batch` (oldest first) and returns them as frames.
    fn take_in(&mut self, batch: &[Event], keep: usize) -> Vec<Arc<Frame>> {
        let mut taken = Vec::new();
        for event in batch {
            self.newest = self.newest.max(event.id);
            let Some(frame) = Frame::of(event) else {
                continue;
            };
            let frame = Arc::new(frame);
            self.frames.push_back(frame.clone());
            taken.push(frame);
        }
        while self.frames.len() > keep {
            if let Some(oldest) = self.frames.pop_front() {
                self.held_after = oldest.id;
            }
        }
        taken
    }
}

impl Frame {
    /// `None` for an event the public may not see (a pending comment).
    fn of(event: &Event) -> Option<Self> {
        if !event.kind.is_public() {
            return None;
        }
        let envelope = json!({
            "type": event.kind.name(),
            "timestamp": Timestamp(event.created_at),
            "data": event.data,
        });
        let category = event
            .data
            .pointer("/category/slug")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        Some(Self {
            id: event.id,
            kind: event.kind,
            category,
            message: message(Some(event.id), event.kind.name(), &envelope),
        })
    }
}

/// One SSE message. The JSON is compact, so `data` is one line.
fn message(id: Option<i64>, name: &str, envelope: &serde_json::Value) -> Bytes {
    let id = id.map(|id| format!("id: {id}\n")).unwrap_or_default();
    Bytes::from(format!("{id}event: {name}\ndata: {envelope}\n\n"))
}

fn reset_message(newest: i64) -> Bytes {
    let envelope = json!({
        "type": "reset",
        "timestamp": Timestamp::now(),
        "data": {"reason": "the events after Last-Event-ID are no longer held: reload, then follow the stream"},
    });
    message(Some(newest), "reset", &envelope)
}

const HEARTBEAT: &[u8] = b": keep-alive\n\n";

/// One open stream.
struct Client {
    queued: VecDeque<Bytes>,
    live: broadcast::Receiver<Arc<Frame>>,
    after: i64,
    filter: Filter,
    heartbeat: Interval,
    closing: watch::Receiver<bool>,
    _slot: Slot,
}

/// What woke an idle stream.
enum Wake {
    Frame(Result<Arc<Frame>, RecvError>),
    Heartbeat,
    Closing,
}

impl Client {
    async fn next(mut self) -> Option<(Result<Bytes, Infallible>, Self)> {
        if let Some(message) = self.queued.pop_front() {
            return Some((Ok(message), self));
        }
        loop {
            let wake = tokio::select! {
                received = self.live.recv() => Wake::Frame(received),
                _ = self.heartbeat.tick() => Wake::Heartbeat,
                _ = self.closing.wait_for(|closing| *closing) => Wake::Closing,
            };
            match wake {
                Wake::Frame(Ok(frame)) => {
                    if frame.id <= self.after
                        || !self.filter.admits(frame.kind, frame.category.as_deref())
                    {
                        continue;
                    }
                    self.after = frame.id;
                    return Some((Ok(frame.message.clone()), self));
                }
                Wake::Heartbeat => return Some((Ok(Bytes::from_static(HEARTBEAT)), self)),
                // Too slow to keep up: the reconnection resumes from the window.
                Wake::Frame(Err(RecvError::Lagged(_) | RecvError::Closed)) | Wake::Closing => {
                    return None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn event(id: i64, kind: EventKind) -> Event {
        Event {
            id,
            kind,
            data: json!({"id": id, "category": {"slug": "world"}}),
            created_at: NaiveDateTime::default(),
        }
    }

    #[test]
    fn the_window_keeps_the_newest_public_events_and_knows_how_far_back_it_reaches() {
        let mut window = Window {
            frames: VecDeque::new(),
            held_after: 0,
            newest: 0,
        };
        let batch: Vec<Event> = (1..=6)
            .map(|id| {
                let kind = if id == 3 {
                    EventKind::CommentCreated
                } else {
                    EventKind::ArticlePublished
                };
                event(id, kind)
            })
            .collect();
        let taken = window.take_in(&batch, 3);
        assert_eq!(taken.len(), 5, "the pending comment is not taken");
        let held: Vec<i64> = window.frames.iter().map(|frame| frame.id).collect();
        assert_eq!(held, [4, 5, 6]);
        assert_eq!(window.held_after, 2);
        assert_eq!(window.newest, 6);
    }

    #[test]
    fn a_frame_is_one_sse_message_with_the_webhook_envelope() {
        let frame = Frame::of(&event(7, EventKind::ArticleUpdated));
        let text = frame
            .map(|frame| String::from_utf8_lossy(&frame.message).into_owned())
            .unwrap_or_default();
        assert!(
            text.starts_with("id: 7\nevent: article.updated\ndata: {"),
            "{text}"
        );
        assert!(text.ends_with("}\n\n"), "{text}");
        assert_eq!(
            text.lines().filter(|line| !line.is_empty()).count(),
            3,
            "{text}"
        );
        assert!(text.contains(r#""type":"article.updated""#), "{text}");
        assert!(
            text.contains(r#""timestamp":"1970-01-01T00:00:00Z""#),
            "{text}"
        );
    }
}
