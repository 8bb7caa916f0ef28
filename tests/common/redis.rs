//! A real `redis-server` for tests and benches: started on a free loopback port, without
//! persistence, stopped on drop. Only the standard library: include it with
//! `#[path = "common/redis.rs"] mod redis_server;`.
//!
//! The binary is `$REDIS_SERVER`, else `redis-server` on the `PATH`, else
//! `/usr/bin/redis-server` (Debian's package `redis-server`). When none runs, starting panics
//! with a message that says so: a test that needs Redis fails, it is never skipped.

#![allow(dead_code)] // Each test crate uses its own part of this module.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to answer `PING` after it started.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running `redis-server`, killed when dropped.
pub struct RedisServer {
    port: u16,
    extra_args: Vec<String>,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a server on a free loopback port.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// Starts a server on a free loopback port with more arguments (`--requirepass`, …).
    pub fn start_with(extra_args: &[&str]) -> Self {
        let extra_args: Vec<String> = extra_args.iter().map(|arg| arg.to_string()).collect();
        let mut last_error = String::new();
        // Another process may take the free port between our probe and the server's bind.
        for _ in 0..5 {
            let port = free_port();
            let mut server = Self {
                port,
                extra_args: extra_args.clone(),
                child: None,
            };
            match server.spawn() {
                Ok(()) => return server,
                Err(error) => last_error = error,
            }
        }
        panic!("redis-server did not start on a free loopback port: {last_error}");
    }

    /// The port the server listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // A frozen server is killed all the same (SIGKILL needs no SIGCONT).
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port (empty: nothing is persisted).
    pub fn restart(&mut self) {
        self.stop();
        if let Err(error) = self.spawn() {
            panic!(
                "redis-server did not restart on port {}: {error}",
                self.port
            );
        }
    }

    /// Freezes the server (`SIGSTOP`): connections stay open, nothing is answered.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    /// Lets a frozen server run again (`SIGCONT`).
    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let child = self.child.as_ref().expect("the server runs");
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill {signal} failed");
    }

    /// Sends one command (inline, words without spaces) and returns the raw reply.
    pub fn command(&self, words: &[&str]) -> String {
        let mut stream =
            TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).expect("connect to redis-server");
        exchange(&mut stream, words).expect("redis-server answers")
    }

    fn spawn(&mut self) -> Result<(), String> {
        let binary = binary();
        let mut child = Command::new(&binary)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .args(["--daemonize", "no"])
            .args(&self.extra_args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot run {binary} ({error}): the Redis tests need a real redis-server; \
                     install Debian's package `redis-server` (apt-get install redis-server) or \
                     set REDIS_SERVER to its path"
                )
            });
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(format!("{binary} exited at once ({status})"));
            }
            if self.answers_ping() {
                self.child = Some(child);
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no PONG within {START_TIMEOUT:?}"));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn answers_ping(&self) -> bool {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let Ok(mut stream) = TcpStream::connect_timeout(&address, Duration::from_millis(200))
        else {
            return false;
        };
        match exchange(&mut stream, &["PING"]) {
            // `-NOAUTH` when started with --requirepass: up all the same.
            Ok(reply) => reply.starts_with("+PONG") || reply.starts_with("-NOAUTH"),
            Err(_) => false,
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The redis-server binary to run.
fn binary() -> String {
    if let Ok(path) = std::env::var("REDIS_SERVER") {
        return path;
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("redis-server"))
            .find(|candidate| candidate.is_file())
    });
    match on_path {
        Some(path) => path.to_string_lossy().into_owned(),
        None => "/usr/bin/redis-server".to_owned(),
    }
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// Writes an inline command and reads one reply (up to 64 KiB, within a second).
fn exchange(stream: &mut TcpStream, words: &[&str]) -> std::io::Result<String> {
    stream.set_read_timeout(Some(Duration::from_secs(1)))?;
    stream.write_all(format!("{}\r\n", words.join(" ")).as_bytes())?;
    let mut buffer = vec![0; 64 * 1024];
    let read = stream.read(&mut buffer)?;
    Ok(String::from_utf8_lossy(&buffer[..read]).into_owned())
}
