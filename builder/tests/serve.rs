//! `playlike serve` as a process, against what an outside review tried: a symbolic link to
//! `/etc/passwd`, dotfiles, megabyte URLs and headers, and hundreds of half-open connections
//! (which once held a thread each).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `playlike serve` on a free loopback port; killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_playlike"))
        .args(["serve", "--port", "0", "--dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .spawn()
        .expect("playlike serve starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first.trim().rsplit(" on http://").next().unwrap();
    let addr = url.trim_end_matches('/').parse().expect("a socket address");
    Server { child, addr }
}

/// One request on its own connection; the whole reply as text.
fn get(addr: SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(request.as_bytes());
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply);
    String::from_utf8_lossy(&reply).into_owned()
}

fn status(addr: SocketAddr, path: &str) -> String {
    let reply = get(
        addr,
        &format!("GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n"),
    );
    reply.lines().next().unwrap_or_default().to_string()
}

fn threads(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("Threads:")).unwrap();
    line["Threads:".len()..].trim().parse().unwrap()
}

#[test]
fn serve_stays_in_its_root_and_bounds_what_clients_cost() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<html>").unwrap();
    std::fs::write(dir.path().join(".env"), "TOKEN=x").unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd.txt")).unwrap();
    let server = serve(dir.path());
    let addr = server.addr;

    assert_eq!(status(addr, "/"), "HTTP/1.1 200 OK");
    assert_eq!(status(addr, "/passwd.txt"), "HTTP/1.1 404 Not Found");
    assert_eq!(status(addr, "/.env"), "HTTP/1.1 404 Not Found");
    let long_url = format!("/{}", "a".repeat(8 << 20));
    assert!(status(addr, &long_url).starts_with("HTTP/1.1 414"));
    let big_header = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "b".repeat(8 << 20));
    assert!(get(addr, &big_header).starts_with("HTTP/1.1 431"));

    // 300 connections that never send a byte: threads stay bounded by the worker pool.
    let before = threads(server.child.id());
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = threads(server.child.id());
    assert!(
        during <= before + 1 && during <= 40,
        "{before} threads before, {during} with 300 idle connections"
    );
    drop(idle);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(status(addr, "/"), "HTTP/1.1 200 OK", "serving again");
}
