//! A tiny protobuf encoder for tests: builds messages field by field.

#[derive(Default, Clone)]
pub(super) struct Msg(Vec<u8>);

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Msg {
    pub(super) fn new() -> Self {
        Self::default()
    }

    fn key(&mut self, num: u32, wire_type: u8) {
        put_varint(&mut self.0, (u64::from(num) << 3) | u64::from(wire_type));
    }

    pub(super) fn varint(mut self, num: u32, v: u64) -> Self {
        self.key(num, 0);
        put_varint(&mut self.0, v);
        self
    }

    /// int32/int64/bool as Go writes them (negative values sign-extended to 10 bytes).
    pub(super) fn int(self, num: u32, v: i64) -> Self {
        self.varint(num, v as u64)
    }

    pub(super) fn bytes(mut self, num: u32, b: &[u8]) -> Self {
        self.key(num, 2);
        put_varint(&mut self.0, b.len() as u64);
        self.0.extend_from_slice(b);
        self
    }

    pub(super) fn str(self, num: u32, s: &str) -> Self {
        self.bytes(num, s.as_bytes())
    }

    pub(super) fn msg(self, num: u32, m: Msg) -> Self {
        self.bytes(num, &m.0)
    }

    /// A `map<string, bytes|string>` entry.
    pub(super) fn entry(self, num: u32, key: &str, value: &[u8]) -> Self {
        self.msg(num, Msg::new().str(1, key).bytes(2, value))
    }

    pub(super) fn fixed32(mut self, num: u32, v: u32) -> Self {
        self.key(num, 5);
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub(super) fn fixed64(mut self, num: u32, v: u64) -> Self {
        self.key(num, 1);
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

/// `k8s\0` + `runtime.Unknown{typeMeta, raw, contentEncoding: "", contentType: ""}`, laid
/// out as client-go writes it.
pub(super) fn envelope(api_version: &str, kind: &str, raw: Msg) -> Vec<u8> {
    let unknown = Msg::new()
        .msg(1, Msg::new().str(1, api_version).str(2, kind))
        .msg(2, raw)
        .str(3, "")
        .str(4, "");
    [b"k8s\0".as_slice(), &unknown.0].concat()
}

/// A Go zero-valued ObjectMeta with a name, as client-go writes it: every non-pointer
/// field present, empty.
pub(super) fn meta(name: &str) -> Msg {
    Msg::new()
        .str(1, name)
        .str(2, "")
        .str(3, "")
        .str(4, "")
        .str(5, "")
        .str(6, "")
        .int(7, 0)
        .bytes(8, &[])
}
