package sigv4

import (
	"log/slog"
	"time"
)

// Result describes a request whose signature verified.
type Result struct {
	AccessKeyID   string
	SessionToken  string
	Region        string
	Service       string
	SignedAt      time.Time
	Presigned     bool
	SignedHeaders []string

	// PayloadHash is the hashed-payload line of the canonical request: a hex
	// SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* marker.
	PayloadHash string
	// Signature is the verified signature: the seed of an aws-chunked body.
	Signature string

	// signingKey is the derived key, kept so NewChunkReader can verify chunk
	// signatures. Never logged: see LogValue.
	signingKey []byte
}

// LogValue keeps the derived signing key and the session token out of logs.
func (r *Result) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", r.AccessKeyID),
		slog.String("region", r.Region),
		slog.String("service", r.Service),
		slog.Time("signed_at", r.SignedAt),
		slog.Bool("presigned", r.Presigned),
		slog.Bool("session", r.SessionToken != ""),
	)
}

// Options says what a service expects of a signature.
type Options struct {
	Service string        // expected credential-scope service: "execute-api", "iam", "s3", ...
	Region  string        // expected region; "" accepts any region in the scope
	S3      bool          // S3 URI rules: path encoded once, not normalized; 15-minute window; chunked payloads
	Window  time.Duration // allowed clock skew; 0 means 5 minutes (15 for S3)

	// s3URIOnly applies S3's URI rule (no normalization, encode once)
	// without S3's other requirements; only the conformance tests use it,
	// for the aws-c-auth "*-unnormalized" cases.
	s3URIOnly bool
}

func (o Options) window() time.Duration {
	switch {
	case o.Window > 0:
		return o.Window
	case o.S3:
		return 15 * time.Minute
	default:
		return 5 * time.Minute
	}
}
