//! Steinberg's `.vstpreset` container, the form a VST3 host keeps a plugin's state in (Ardour writes it into its
//! session, base64-encoded): a header naming the class, the chunks, and a list of where each chunk lies. The
//! tests open BlackBox's component chunk (nice-plug's JSON) to put a user model into a saved session.

const MAGIC: &[u8; 4] = b"VST3";
const LIST: &[u8; 4] = b"List";
/// Magic, version, 32-character class ID, list offset.
const HEADER_LEN: usize = 48;
/// Chunk ID, offset, size.
const ENTRY_LEN: usize = 20;

/// A preset's class and its chunks in order (`Comp` is the component state, `Cont` the controller's).
#[derive(Debug, Clone, PartialEq)]
pub struct VstPreset {
    pub class_id: [u8; 32],
    pub chunks: Vec<([u8; 4], Vec<u8>)>,
}

impl VstPreset {
    pub fn parse(data: &[u8]) -> Result<Self, String> {
        if data.len() < HEADER_LEN || &data[..4] != MAGIC {
            return Err("not a .vstpreset (no VST3 header)".into());
        }
        let class_id: [u8; 32] = data[8..40].try_into().expect("32 bytes");
        let list = usize::try_from(i64::from_le_bytes(data[40..48].try_into().expect("8 bytes")))
            .map_err(|_| "negative chunk list offset")?;
        if data.get(list..list + 4) != Some(&LIST[..]) {
            return Err(format!("no chunk list at offset {list}"));
        }
        let count = i32::from_le_bytes(data[list + 4..list + 8].try_into().expect("4 bytes"));
        let mut chunks = Vec::new();
        for i in 0..usize::try_from(count).map_err(|_| "negative chunk count")? {
            let entry = data.get(list + 8 + i * ENTRY_LEN..list + 8 + (i + 1) * ENTRY_LEN).ok_or("chunk list cut short")?;
            let id: [u8; 4] = entry[..4].try_into().expect("4 bytes");
            let offset = i64::from_le_bytes(entry[4..12].try_into().expect("8 bytes"));
            let size = i64::from_le_bytes(entry[12..20].try_into().expect("8 bytes"));
            let (offset, size) = (usize::try_from(offset).map_err(|_| "bad offset")?, usize::try_from(size).map_err(|_| "bad size")?);
            let payload = data.get(offset..offset + size).ok_or("chunk outside the data")?;
            chunks.push((id, payload.to_vec()));
        }
        Ok(VstPreset { class_id, chunks })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let body_len: usize = self.chunks.iter().map(|(_, p)| p.len()).sum();
        let mut out = Vec::with_capacity(HEADER_LEN + body_len + 8 + ENTRY_LEN * self.chunks.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&1i32.to_le_bytes());
        out.extend_from_slice(&self.class_id);
        out.extend_from_slice(&((HEADER_LEN + body_len) as i64).to_le_bytes());
        for (_, payload) in &self.chunks {
            out.extend_from_slice(payload);
        }
        out.extend_from_slice(LIST);
        out.extend_from_slice(&(self.chunks.len() as i32).to_le_bytes());
        let mut offset = HEADER_LEN;
        for (id, payload) in &self.chunks {
            out.extend_from_slice(id);
            out.extend_from_slice(&(offset as i64).to_le_bytes());
            out.extend_from_slice(&(payload.len() as i64).to_le_bytes());
            offset += payload.len();
        }
        out
    }

    /// The chunk with this ID, to read or replace.
    pub fn chunk_mut(&mut self, id: &[u8; 4]) -> Option<&mut Vec<u8>> {
        self.chunks.iter_mut().find(|(i, _)| i == id).map(|(_, p)| p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_round_trips_and_a_longer_chunk_moves_the_list() {
        let preset = VstPreset { class_id: *b"426C61636B426F784C73746D416D7021", chunks: vec![(*b"Comp", b"{}".to_vec()), (*b"Cont", vec![])] };
        let bytes = preset.to_bytes();
        assert_eq!(VstPreset::parse(&bytes).unwrap(), preset);
        let mut longer = preset.clone();
        *longer.chunk_mut(b"Comp").unwrap() = b"{\"fields\":{}}".to_vec();
        assert_eq!(VstPreset::parse(&longer.to_bytes()).unwrap(), longer);
        assert!(VstPreset::parse(b"VST2").is_err());
        assert!(VstPreset::parse(&bytes[..bytes.len() - 4]).is_err());
    }
}
