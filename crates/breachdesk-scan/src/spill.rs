//! Sealed spill files: what a scan must keep until its end (the records behind `--findings` and
//! `--subjects`, which need the final subject numbers) goes to disk instead of memory.
//!
//! A spill file is unnamed (`O_TMPFILE` where the system has it, else removed at once), so it never
//! shows in a directory, and disappears when closed — also when the process is killed. What is
//! written to it is identifiers from a leak, so it is sealed in frames with ChaCha20-Poly1305
//! under a key that exists only in this process's memory: the blocks it leaves on the disk are
//! unreadable, and a changed or cut frame is an error, not wrong output.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use chacha20poly1305::aead::{AeadInPlace, KeyInit, OsRng};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};

/// Plaintext bytes per sealed frame.
const FRAME: usize = 64 * 1024;
const TAG: usize = 16;

fn nonce(counter: u64) -> Nonce {
    let mut n = [0u8; 12];
    n[4..].copy_from_slice(&counter.to_le_bytes());
    Nonce::from(n)
}

fn sealing_failed() -> io::Error {
    io::Error::other("a spill frame could not be sealed")
}

/// Writes plaintext; frames are sealed and appended as they fill.
pub struct SpillWriter {
    file: BufWriter<File>,
    cipher: ChaCha20Poly1305,
    frame: Vec<u8>,
    counter: u64,
    /// Plaintext bytes written so far.
    written: u64,
}

impl SpillWriter {
    /// A new, empty spill file in `dir`, with a fresh key.
    pub fn new(dir: &Path) -> io::Result<Self> {
        let file = tempfile::tempfile_in(dir)?;
        Ok(Self {
            file: BufWriter::with_capacity(FRAME + TAG + 4, file),
            cipher: ChaCha20Poly1305::new(&ChaCha20Poly1305::generate_key(&mut OsRng)),
            frame: Vec::with_capacity(FRAME + TAG),
            counter: 0,
            written: 0,
        })
    }

    pub fn written(&self) -> u64 {
        self.written
    }

    fn seal(&mut self) -> io::Result<()> {
        if self.frame.is_empty() {
            return Ok(());
        }
        self.cipher
            .encrypt_in_place(&nonce(self.counter), b"", &mut self.frame)
            .map_err(|_| sealing_failed())?;
        self.counter += 1;
        let len = u32::try_from(self.frame.len()).map_err(|_| sealing_failed())?;
        self.file.write_all(&len.to_le_bytes())?;
        self.file.write_all(&self.frame)?;
        self.frame.clear();
        Ok(())
    }

    /// Seals the last frame and turns the file round for reading.
    pub fn into_reader(mut self) -> io::Result<SpillReader> {
        self.seal()?;
        let mut file = self
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.seek(SeekFrom::Start(0))?;
        Ok(SpillReader {
            file: BufReader::with_capacity(FRAME + TAG + 4, file),
            cipher: self.cipher,
            frame: Vec::with_capacity(FRAME + TAG),
            at: 0,
            counter: 0,
        })
    }

    pub fn put_u8(&mut self, v: u8) -> io::Result<()> {
        self.write_all(&[v])
    }

    pub fn put_u32(&mut self, v: u32) -> io::Result<()> {
        self.write_all(&v.to_le_bytes())
    }

    pub fn put_str(&mut self, v: &str) -> io::Result<()> {
        let len = u32::try_from(v.len()).map_err(|_| io::Error::other("a value over 4 GiB"))?;
        self.put_u32(len)?;
        self.write_all(v.as_bytes())
    }
}

impl Write for SpillWriter {
    fn write(&mut self, mut buf: &[u8]) -> io::Result<usize> {
        let n = buf.len();
        while !buf.is_empty() {
            let room = FRAME - self.frame.len();
            let (now, rest) = buf.split_at(room.min(buf.len()));
            self.frame.extend_from_slice(now);
            buf = rest;
            if self.frame.len() == FRAME {
                self.seal()?;
            }
        }
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reads a spill back, frame by frame, checking each.
pub struct SpillReader {
    file: BufReader<File>,
    cipher: ChaCha20Poly1305,
    frame: Vec<u8>,
    at: usize,
    counter: u64,
}

impl SpillReader {
    /// The next frame; false at the end.
    fn fill(&mut self) -> io::Result<bool> {
        let mut len = [0u8; 4];
        match self.file.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(e),
        }
        let len = u32::from_le_bytes(len) as usize;
        if len > FRAME + TAG {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a spill frame is longer than any written",
            ));
        }
        self.frame.resize(len, 0);
        self.file.read_exact(&mut self.frame)?;
        self.cipher
            .decrypt_in_place(&nonce(self.counter), b"", &mut self.frame)
            .map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidData, "a spill frame fails its check")
            })?;
        self.counter += 1;
        self.at = 0;
        Ok(true)
    }

    /// The next byte, or `None` at the end of the spill.
    pub fn next_u8(&mut self) -> io::Result<Option<u8>> {
        if self.at == self.frame.len() && !self.fill()? {
            return Ok(None);
        }
        self.at += 1;
        Ok(Some(self.frame[self.at - 1]))
    }

    /// The next 32-bit number, or `None` at the end of the spill.
    pub fn next_u32(&mut self) -> io::Result<Option<u32>> {
        let Some(first) = self.next_u8()? else {
            return Ok(None);
        };
        let mut rest = [0u8; 3];
        self.read_exact(&mut rest)?;
        Ok(Some(u32::from_le_bytes([first, rest[0], rest[1], rest[2]])))
    }

    pub fn u8(&mut self) -> io::Result<u8> {
        let mut b = [0u8];
        self.read_exact(&mut b)?;
        Ok(b[0])
    }

    pub fn u32(&mut self) -> io::Result<u32> {
        let mut b = [0u8; 4];
        self.read_exact(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// A string written by [`SpillWriter::put_str`], into `out`.
    pub fn str_into(&mut self, out: &mut String) -> io::Result<()> {
        let len = self.u32()? as usize;
        let mut bytes = std::mem::take(out).into_bytes();
        bytes.clear();
        bytes.resize(len, 0);
        self.read_exact(&mut bytes)?;
        *out = String::from_utf8(bytes).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidData, "a spilled value is not UTF-8")
        })?;
        Ok(())
    }
}

impl Read for SpillReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.frame.len() && !self.fill()? {
            return Ok(0);
        }
        let n = buf.len().min(self.frame.len() - self.at);
        buf[..n].copy_from_slice(&self.frame[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_across_frames() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SpillWriter::new(dir.path()).unwrap();
        let long = "ä".repeat(FRAME); // two frames' worth in one value
        for i in 0..1000u32 {
            w.put_u8(7).unwrap();
            w.put_u32(i).unwrap();
            w.put_str(if i == 500 { &long } else { "010101A123B" })
                .unwrap();
        }
        let written = w.written();
        assert!(written > 2 * FRAME as u64);
        let mut r = w.into_reader().unwrap();
        let mut s = String::new();
        for i in 0..1000u32 {
            assert_eq!(r.next_u8().unwrap(), Some(7));
            assert_eq!(r.u32().unwrap(), i);
            r.str_into(&mut s).unwrap();
            assert_eq!(s.len(), if i == 500 { long.len() } else { 11 });
        }
        assert_eq!(r.next_u8().unwrap(), None);
        // Nothing shows in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn the_disk_holds_no_plaintext_and_a_changed_frame_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = SpillWriter::new(dir.path()).unwrap();
        for _ in 0..100 {
            w.put_str("matti.virtanen@example.fi").unwrap();
        }
        w.seal().unwrap();
        let mut file = w
            .file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
            .unwrap();
        let mut raw = Vec::new();
        file.seek(SeekFrom::Start(0)).unwrap();
        file.read_to_end(&mut raw).unwrap();
        assert!(!raw.windows(7).any(|w| w == b"virtane"));
        // Flip one bit of the sealed frame and read it with the same key.
        raw[10] ^= 1;
        file.seek(SeekFrom::Start(0)).unwrap();
        file.write_all(&raw).unwrap();
        file.seek(SeekFrom::Start(0)).unwrap();
        let mut r = SpillReader {
            file: BufReader::new(file),
            cipher: w.cipher,
            frame: Vec::new(),
            at: 0,
            counter: 0,
        };
        let e = r.next_u8().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().contains("fails its check"), "{e}");
    }
}
