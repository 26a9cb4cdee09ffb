package sigv4

import "time"

// Result describes a request whose signature verified.
type Result struct {
	AccessKeyID   string
	SessionToken  string
	Region        string
	Service       string
	SignedAt      time.Time
	Presigned     bool
	SignedHeaders []string

	// What the server computed; kept for `iamgate why` and debug logs only.
	CanonicalRequest string
	StringToSign     string
}

// Options says what a service expects of a signature.
type Options struct {
	Service string        // expected credential-scope service: "execute-api", "iam", "s3", ...
	Region  string        // expected region; "" accepts any region in the scope
	S3      bool          // S3 URI rules: path encoded once, not normalized; 15-minute window; chunked payloads
	Window  time.Duration // allowed clock skew; 0 means 5 minutes (15 for S3)
}
