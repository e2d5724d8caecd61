//! Reading HTTP/1.1 requests off a socket, for the tests' own servers that
//! stand where an AWS service would (see `aws_connection`'s and `aws`'s).

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt};

/// The next request's head (request line and headers, each line ending
/// `\r\n`), its body read past by its `Content-Length`; `None` once the
/// client has closed the connection.
pub(crate) async fn next_request_head<R: AsyncBufRead + Unpin>(reader: &mut R) -> Option<String> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let length = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().to_owned()))
        .map_or(0, |n| n.parse::<usize>().expect("a numeric Content-Length"));
    reader.read_exact(&mut vec![0; length]).await.ok()?;
    Some(head)
}
