//! The RIFF `LIST`/`INFO`/`ICMT` comment chunk, which hound neither writes nor reads.
//!
//! Layout (Microsoft/IBM RIFF specification, 1991): every chunk is a four-byte id, a little-endian u32 size and the
//! body, padded to an even length; `LIST` bodies start with a four-byte list type, here `INFO`, followed by
//! sub-chunks such as `ICMT` whose text is NUL-terminated.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// Encodes a `LIST`/`INFO` chunk holding one `ICMT` comment; `None` when it would not fit a RIFF size field.
pub(super) fn info_list_chunk(comment: &str) -> Option<Vec<u8>> {
    let mut text = comment.as_bytes().to_vec();
    text.push(0);
    let text_len = u32::try_from(text.len()).ok()?;
    if text.len() % 2 == 1 {
        text.push(0);
    }
    let list_len = u32::try_from(4 + 8 + text.len()).ok()?;
    let mut chunk = Vec::with_capacity(8 + list_len as usize);
    chunk.extend_from_slice(b"LIST");
    chunk.extend_from_slice(&list_len.to_le_bytes());
    chunk.extend_from_slice(b"INFO");
    chunk.extend_from_slice(b"ICMT");
    chunk.extend_from_slice(&text_len.to_le_bytes());
    chunk.extend_from_slice(&text);
    Some(chunk)
}

/// Appends `chunk` to a finished RIFF file and corrects the RIFF size in its header.
pub(super) fn append_chunk(file: &mut File, chunk: &[u8]) -> io::Result<()> {
    let mut end = file.seek(SeekFrom::End(0))?;
    // hound leaves an odd-length data chunk (24-bit mono, odd sample count) unpadded; RIFF readers expect the
    // next chunk at an even offset.
    if end % 2 == 1 {
        file.write_all(&[0])?;
        end += 1;
    }
    file.write_all(chunk)?;
    let riff_size = u32::try_from(end + chunk.len() as u64 - 8)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "WAV file would exceed the 4 GiB RIFF limit"))?;
    file.seek(SeekFrom::Start(4))?;
    file.write_all(&riff_size.to_le_bytes())?;
    Ok(())
}

/// The first `ICMT` text of the file's `LIST`/`INFO` chunks, if any.
///
/// Only called on files hound has already accepted, so a malformed chunk list after the audio means "no comment"
/// rather than an error: the samples are intact and nothing a user can act on is lost.
pub(super) fn read_comment(path: &Path) -> io::Result<Option<String>> {
    let file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut reader = BufReader::new(file);
    let mut header = [0u8; 12];
    if reader.read_exact(&mut header).is_err() || &header[0..4] != b"RIFF" || &header[8..12] != b"WAVE" {
        return Ok(None);
    }
    let mut position = 12u64;
    while position + 8 <= file_len {
        let mut chunk_header = [0u8; 8];
        reader.read_exact(&mut chunk_header)?;
        let size = u64::from(u32::from_le_bytes([chunk_header[4], chunk_header[5], chunk_header[6], chunk_header[7]]));
        let body_start = position + 8;
        if body_start + size > file_len {
            return Ok(None);
        }
        if &chunk_header[0..4] == b"LIST" && size >= 4 {
            let mut body = vec![0u8; size as usize];
            reader.read_exact(&mut body)?;
            if &body[0..4] == b"INFO" {
                if let Some(text) = find_comment(&body[4..]) {
                    return Ok(Some(text));
                }
            }
        }
        position = body_start + size + (size & 1);
        reader.seek(SeekFrom::Start(position))?;
    }
    Ok(None)
}

fn find_comment(mut sub_chunks: &[u8]) -> Option<String> {
    while sub_chunks.len() >= 8 {
        let size = u32::from_le_bytes([sub_chunks[4], sub_chunks[5], sub_chunks[6], sub_chunks[7]]) as usize;
        let body = sub_chunks.get(8..8 + size)?;
        if &sub_chunks[0..4] == b"ICMT" {
            let text = body.split(|&b| b == 0).next().unwrap_or_default();
            // Other tools write INFO text in the local code page; a lossy decode still shows the label.
            return Some(String::from_utf8_lossy(text).into_owned());
        }
        let next = (8 + size + (size & 1)).min(sub_chunks.len());
        sub_chunks = &sub_chunks[next..];
    }
    None
}
