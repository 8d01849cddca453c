//! Dev mode's search indexes, made off the rebuild loop. A rebuild serves
//! its pages and hands the index it left to make ([`SearchWork`]) to this
//! worker; the loop is free for the next save at once. Each job carries a
//! generation: a newer rebuild (or one about to start) bumps the wanted
//! generation, the worker drops a job that is no longer wanted (checked
//! between steps), and the loop applies only a result whose generation is
//! still the wanted one, so the served folder only ever gets a complete,
//! current index.
//!
//! The worker's threads run at the lowest CPU priority (Linux): on a
//! machine with few cores the index must not slow down the next save's
//! rebuild, only use what the rebuilds leave idle.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::files::OutputFile;
use crate::render::SearchWork;

/// The search indexes of one rebuild, to make together.
pub type Works = Arc<Vec<SearchWork>>;

/// What the worker made of one job: each index's files, in the order of the
/// job's works.
pub struct Made {
    pub generation: u64,
    pub files: Vec<Vec<OutputFile>>,
    pub elapsed: Duration,
}

/// The handle of the worker thread.
pub struct Indexer {
    /// The generation the loop will accept; the worker gives up on others.
    wanted: Arc<AtomicU64>,
    jobs: mpsc::Sender<(u64, Works)>,
}

impl Indexer {
    /// Starts the worker; `done` gets every result made for a generation
    /// that was still wanted when it finished.
    pub fn spawn(done: impl Fn(Made) + Send + 'static) -> Indexer {
        let wanted = Arc::new(AtomicU64::new(0));
        let (jobs, rx) = mpsc::channel::<(u64, Works)>();
        let current = wanted.clone();
        std::thread::spawn(move || {
            let pool = rayon::ThreadPoolBuilder::new()
                .start_handler(|_| lowest_priority())
                .build();
            let Ok(pool) = pool else { return };
            while let Ok(mut job) = rx.recv() {
                // Only the newest waiting job is worth making.
                while let Ok(newer) = rx.try_recv() {
                    job = newer;
                }
                let (generation, works) = job;
                let wanted = || current.load(Ordering::SeqCst) == generation;
                let started = Instant::now();
                let mut files = Vec::new();
                for work in works.iter() {
                    match pool.install(|| work.files_unless(&|| !wanted())) {
                        Some(made) => files.push(made),
                        None => break,
                    }
                }
                if files.len() == works.len() && wanted() {
                    let elapsed = started.elapsed();
                    done(Made {
                        generation,
                        files,
                        elapsed,
                    });
                }
            }
        });
        Indexer { wanted, jobs }
    }

    /// Gives up on every job handed over so far (a rebuild is starting:
    /// what they make may be out of date once it is done).
    pub fn supersede(&self) {
        self.wanted.fetch_add(1, Ordering::SeqCst);
    }

    /// The generation a result must have to be applied.
    pub fn wanted(&self) -> u64 {
        self.wanted.load(Ordering::SeqCst)
    }

    /// Hands `works` over as the current generation's job.
    pub fn start(&self, works: Works) -> u64 {
        let generation = self.wanted();
        // The worker ends only with the process.
        let _ = self.jobs.send((generation, works));
        generation
    }
}

/// Lowers the calling thread's CPU priority to the lowest (nice 19). On
/// Linux a thread has its own nice value, so only the worker's threads are
/// lowered; elsewhere `setpriority` would lower the whole server, so it is
/// left alone.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its arguments; 0 is the calling thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}
