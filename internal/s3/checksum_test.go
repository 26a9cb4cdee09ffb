package s3

import (
	"encoding/hex"
	"testing"
)

// TestChecksumAlgorithms checks each algorithm against its catalogued check
// value (the digest of "123456789": CRC RevEng's catalogue,
// https://reveng.sourceforge.io/crc-catalogue/all.htm, for the CRCs; FIPS
// 180 digests for SHA) and S3's documented base64 form of an empty object's
// CRC32 ("AAAAAA==").
func TestChecksumAlgorithms(t *testing.T) {
	tests := []struct {
		alg  ChecksumAlgorithm
		want string // hex of the digest of "123456789"
	}{
		{CRC32, "cbf43926"},
		{CRC32C, "e3069283"},
		{CRC64NVME, "ae8b14860a799888"},
		{SHA1, "f7c3bc1d808e04732adf679965ccc34ca7ae3441"},
		{SHA256, "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225"},
	}
	for _, tc := range tests {
		h := tc.alg.New()
		h.Write([]byte("123456789"))
		if got := hex.EncodeToString(h.Sum(nil)); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.alg, got, tc.want)
		}
		if !tc.alg.Valid(Encode(h.Sum(nil))) || tc.alg.Valid("AAAA") || tc.alg.Valid("not base64!") {
			t.Errorf("%s: Valid is wrong", tc.alg)
		}
	}
	if got := Encode(CRC32.New().Sum(nil)); got != "AAAAAA==" {
		t.Errorf("empty CRC32 = %s", got)
	}
	for in, want := range map[string]ChecksumAlgorithm{"crc32": CRC32, "CRC64NVME": CRC64NVME, " sha256 ": SHA256, "md5": "", "": ""} {
		if got, _ := ParseChecksumAlgorithm(in); got != want {
			t.Errorf("ParseChecksumAlgorithm(%q) = %q, want %q", in, got, want)
		}
	}
	if CRC32C.Header() != "x-amz-checksum-crc32c" {
		t.Error(CRC32C.Header())
	}
}
