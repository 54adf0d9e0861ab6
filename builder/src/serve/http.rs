//! The HTTP/1.1 side of `playlike serve`: just enough of the protocol to serve static files
//! with GET and HEAD, written so that no client can make it use unbounded resources.
//!
//! - A fixed pool of worker threads takes connections from a bounded queue; when the queue
//!   is full a connection gets `503` at once, so a flood of connections never adds threads.
//! - A request's head (request line and headers) must arrive whole within
//!   [`Limits::head_deadline`], and an idle keep-alive connection is closed after
//!   [`Limits::idle_timeout`], so slow or half-open clients give their worker back.
//! - The request line and the headers are capped in size and count (`414`, `431`);
//!   requests with a body are refused (`413`), since nothing here reads one.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a client may cost the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Worker threads: connections served at once.
    pub workers: usize,
    /// Connections waiting for a worker before new ones are turned away.
    pub queue: usize,
    /// Longest request line (method, target, version).
    pub max_request_line: usize,
    /// Most bytes of headers, and most header lines, in one request.
    pub max_header_bytes: usize,
    pub max_headers: usize,
    /// Time for a whole request head to arrive once its first byte has.
    pub head_deadline: Duration,
    /// Time an open connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Time one write to a client may block.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            workers: 32,
            queue: 128,
            max_request_line: 8 * 1024,
            max_header_bytes: 32 * 1024,
            max_headers: 100,
            head_deadline: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(30),
        }
    }
}

/// One parsed request head.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The request target as sent: path and query.
    pub target: String,
    headers: Vec<(String, String)>,
    http_10: bool,
}

impl Request {
    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn keeps_alive(&self) -> bool {
        let close = self
            .header("Connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        !close && !self.http_10
    }
}

/// A response: status, headers, and a body of known length.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Box<dyn Read + Send>,
    pub len: u64,
}

impl Response {
    /// A short plain-text response.
    pub fn text(status: u16, text: &str) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            len: text.len() as u64,
            body: Box::new(io::Cursor::new(text.as_bytes().to_vec())),
        }
    }
}

/// Turns a request into a response.
pub type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Serves connections from `listener` forever with `handler`.
pub fn serve(listener: TcpListener, limits: Limits, handler: Arc<Handler>) -> io::Result<()> {
    let (queue, waiting) = sync_channel::<TcpStream>(limits.queue);
    let waiting = Arc::new(Mutex::new(waiting));
    for _ in 0..limits.workers.max(1) {
        let (waiting, limits, handler) = (waiting.clone(), limits.clone(), handler.clone());
        std::thread::spawn(move || work(&waiting, &limits, handler.as_ref()));
    }
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if let Err(TrySendError::Full(mut stream)) = queue.try_send(stream) {
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = write_response(&mut stream, Response::text(503, "busy"), false, false);
        }
    }
    Ok(())
}

fn work(waiting: &Mutex<Receiver<TcpStream>>, limits: &Limits, handler: &Handler) {
    loop {
        let next = waiting.lock().map(|w| w.recv());
        let Ok(Ok(stream)) = next else { return };
        if let Err(e) = serve_connection(stream, limits, handler) {
            if !matches!(
                e.kind(),
                io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
            ) {
                eprintln!("connection: {e}");
            }
        }
    }
}

/// Why a request head could not be read.
enum HeadError {
    /// The connection ended, idled or stalled: close it without a reply.
    Closed,
    /// A malformed or oversized request: reply with this status, then close.
    Refuse(u16, &'static str),
}

fn serve_connection(stream: TcpStream, limits: &Limits, handler: &Handler) -> io::Result<()> {
    stream.set_write_timeout(Some(limits.write_timeout))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let request = match read_head(&mut reader, limits) {
            Ok(request) => request,
            Err(HeadError::Closed) => return Ok(()),
            Err(HeadError::Refuse(status, text)) => {
                write_response(&mut writer, Response::text(status, text), false, false)?;
                linger(&mut reader, &writer);
                return Ok(());
            }
        };
        let keep_alive = request.keeps_alive();
        let head_only = request.method == "HEAD";
        write_response(&mut writer, handler(&request), head_only, keep_alive)?;
        if !keep_alive {
            return Ok(());
        }
    }
}

/// After refusing a request the client may still be sending: read and drop what it sends
/// for a little while (bounded in time and bytes) before closing, because closing with
/// unread input resets the connection and the client would lose the refusal.
fn linger(reader: &mut BufReader<TcpStream>, writer: &TcpStream) {
    const LINGER: Duration = Duration::from_secs(2);
    const LINGER_BYTES: u64 = 16 << 20;
    let _ = writer.shutdown(std::net::Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut drained = 0;
    let mut sink = [0; 16 * 1024];
    while drained < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || reader.get_ref().set_read_timeout(Some(left)).is_err() {
            return;
        }
        match reader.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n as u64,
        }
    }
}

/// Reads one request head: waits up to the idle timeout for its first byte, then up to the
/// head deadline for the rest.
fn read_head(reader: &mut BufReader<TcpStream>, limits: &Limits) -> Result<Request, HeadError> {
    let socket = reader.get_ref();
    socket
        .set_read_timeout(Some(limits.idle_timeout))
        .map_err(|_| HeadError::Closed)?;
    if reader.fill_buf().map_or(true, |b| b.is_empty()) {
        return Err(HeadError::Closed);
    }
    let deadline = Instant::now() + limits.head_deadline;
    let request_line = read_line(reader, limits.max_request_line, deadline)?
        .ok_or(HeadError::Refuse(414, "request line too long"))?;
    let (method, target, http_10) = parse_request_line(&request_line)?;
    let mut headers = Vec::new();
    let mut header_bytes = 0;
    loop {
        let budget = limits.max_header_bytes.saturating_sub(header_bytes);
        let too_big = HeadError::Refuse(431, "request headers too large");
        let line = read_line(reader, budget, deadline)?.ok_or(too_big)?;
        header_bytes += line.len() + 2;
        if line.is_empty() {
            break;
        }
        if headers.len() == limits.max_headers {
            return Err(HeadError::Refuse(431, "too many request headers"));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or(HeadError::Refuse(400, "malformed header"))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let request = Request {
        method,
        target,
        headers,
        http_10,
    };
    let has_body = request
        .header("Content-Length")
        .is_some_and(|len| len.trim() != "0")
        || request.header("Transfer-Encoding").is_some();
    if has_body {
        return Err(HeadError::Refuse(413, "request bodies are not accepted"));
    }
    Ok(request)
}

/// `GET /path HTTP/1.1` → (method, target, whether HTTP/1.0).
fn parse_request_line(line: &str) -> Result<(String, String, bool), HeadError> {
    let malformed = HeadError::Refuse(400, "malformed request line");
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed);
    };
    if method.is_empty() || !target.starts_with('/') {
        return Err(malformed);
    }
    let http_10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(HeadError::Refuse(505, "HTTP version not supported")),
    };
    Ok((method.to_string(), target.to_string(), http_10))
}

/// Reads one CRLF- (or LF-) terminated line of at most `limit` bytes before `deadline`.
/// `Ok(None)` when the line is longer than the limit.
fn read_line(
    reader: &mut BufReader<TcpStream>,
    limit: usize,
    deadline: Instant,
) -> Result<Option<String>, HeadError> {
    let mut line = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(HeadError::Closed);
        }
        reader
            .get_ref()
            .set_read_timeout(Some(left))
            .map_err(|_| HeadError::Closed)?;
        let buf = match reader.fill_buf() {
            Ok([]) | Err(_) => return Err(HeadError::Closed),
            Ok(buf) => buf,
        };
        let (chunk, ends) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (&buf[..at], true),
            None => (buf, false),
        };
        if line.len() + chunk.len() > limit + 1 {
            return Ok(None);
        }
        line.extend_from_slice(chunk);
        let used = chunk.len() + usize::from(ends);
        reader.consume(used);
        if ends {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return String::from_utf8(line)
                .map(Some)
                .map_err(|_| HeadError::Refuse(400, "request head is not UTF-8"));
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

fn write_response(
    stream: &mut TcpStream,
    response: Response,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let connection = if keep_alive { "keep-alive" } else { "close" };
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: {connection}\r\n\r\n",
        response.len
    ));
    let mut out = io::BufWriter::with_capacity(64 * 1024, stream);
    out.write_all(head.as_bytes())?;
    if !head_only {
        io::copy(&mut response.body.take(response.len), &mut out)?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server on a free loopback port with `limits`, answering every request with its
    /// target; returns its address.
    fn start(limits: Limits) -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let handler: Arc<Handler> = Arc::new(|r: &Request| Response::text(200, &r.target));
        std::thread::spawn(move || serve(listener, limits, handler));
        addr
    }

    /// Sends `request` and reads until the server closes or `wait` passes.
    fn exchange(addr: std::net::SocketAddr, request: &[u8], wait: Duration) -> String {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(wait)).unwrap();
        let _ = stream.write_all(request);
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        String::from_utf8_lossy(&reply).into_owned()
    }

    #[test]
    fn serves_keep_alive_and_head_requests() {
        let addr = start(Limits::default());
        let reply = exchange(
            addr,
            b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /bc HTTP/1.1\r\nConnection: close\r\n\r\n",
            Duration::from_secs(5),
        );
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        assert!(reply.contains("Content-Length: 2\r\nConnection: keep-alive\r\n\r\n/a"));
        assert!(
            reply.ends_with("Content-Length: 3\r\nConnection: close\r\n\r\n"),
            "HEAD sends no body: {reply}"
        );
    }

    #[test]
    fn oversized_and_malformed_requests_are_refused() {
        let addr = start(Limits::default());
        let wait = Duration::from_secs(5);
        let long_url = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(64 * 1024));
        assert!(exchange(addr, long_url.as_bytes(), wait).starts_with("HTTP/1.1 414"));
        let big_header = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "b".repeat(1 << 20));
        assert!(exchange(addr, big_header.as_bytes(), wait).starts_with("HTTP/1.1 431"));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X: y\r\n".repeat(500));
        assert!(exchange(addr, many.as_bytes(), wait).starts_with("HTTP/1.1 431"));
        let body = b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
        assert!(exchange(addr, body, wait).starts_with("HTTP/1.1 413"));
        assert!(exchange(addr, b"GET / HTTP/2.0\r\n\r\n", wait).starts_with("HTTP/1.1 505"));
        assert!(exchange(addr, b"nonsense\r\n\r\n", wait).starts_with("HTTP/1.1 400"));
    }

    /// Whether the server closes `stream` (EOF or reset, with no reply) within `wait`.
    fn closed_without_reply(stream: &mut TcpStream, wait: Duration) -> bool {
        stream.set_read_timeout(Some(wait)).unwrap();
        let mut reply = Vec::new();
        match stream.read_to_end(&mut reply) {
            Ok(_) => reply.is_empty(),
            Err(e) => e.kind() == io::ErrorKind::ConnectionReset,
        }
    }

    #[test]
    fn slow_and_idle_clients_are_cut_off() {
        let limits = Limits {
            head_deadline: Duration::from_millis(300),
            idle_timeout: Duration::from_millis(300),
            ..Limits::default()
        };
        let addr = start(limits);
        // A head dribbled out a byte every 50 ms, for longer than the deadline.
        let mut slow = TcpStream::connect(addr).unwrap();
        let mut refused = false;
        for byte in b"GET / HTTP/1.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaa".iter() {
            if slow.write_all(&[*byte]).is_err() {
                refused = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            refused || closed_without_reply(&mut slow, Duration::from_millis(100)),
            "a head still arriving after its deadline is dropped"
        );
        // A connection that never sends anything is closed after the idle timeout.
        let mut idle = TcpStream::connect(addr).unwrap();
        assert!(closed_without_reply(&mut idle, Duration::from_secs(3)));
    }

    #[test]
    fn a_flood_of_connections_is_turned_away_not_given_threads() {
        let limits = Limits {
            workers: 2,
            queue: 2,
            idle_timeout: Duration::from_secs(5),
            ..Limits::default()
        };
        let addr = start(limits);
        let close = b"GET /ok HTTP/1.1\r\nConnection: close\r\n\r\n";
        let wait = Duration::from_secs(3);
        assert!(
            exchange(addr, close, wait).starts_with("HTTP/1.1 200"),
            "both workers are waiting for connections"
        );
        // Ten connections that send nothing: two workers and a queue of two can hold four;
        // the rest are answered `503` at once instead of getting threads. (Read before
        // sending: a request the server never reads would turn its close into a reset that
        // discards the reply.)
        let held: Vec<TcpStream> = (0..10).map(|_| TcpStream::connect(addr).unwrap()).collect();
        let turned_away = held
            .iter()
            .filter(|stream| {
                let mut stream = *stream;
                stream
                    .set_read_timeout(Some(Duration::from_millis(500)))
                    .unwrap();
                let mut reply = [0; 12];
                stream.read_exact(&mut reply).is_ok() && reply.starts_with(b"HTTP/1.1 503")
            })
            .count();
        assert!(turned_away >= 6, "{turned_away} of 10 turned away");
        drop(held);
        std::thread::sleep(Duration::from_millis(200));
        let served = exchange(addr, close, wait);
        assert!(served.starts_with("HTTP/1.1 200"), "{served}");
    }
}
