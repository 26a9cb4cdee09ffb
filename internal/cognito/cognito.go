package cognito

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/seal"
	"github.com/iamgate/iamgate/internal/store"
)

// Error codes the Cognito Identity Provider API answers with.
const (
	ResourceNotFound       awserr.Code = "ResourceNotFoundException"
	InvalidParameter       awserr.Code = "InvalidParameterException"
	NotAuthorized          awserr.Code = "NotAuthorizedException"
	UserNotFound           awserr.Code = "UserNotFoundException"
	UsernameExists         awserr.Code = "UsernameExistsException"
	InvalidPassword        awserr.Code = "InvalidPasswordException"
	CodeMismatch           awserr.Code = "CodeMismatchException"
	ExpiredCode            awserr.Code = "ExpiredCodeException"
	UserNotConfirmed       awserr.Code = "UserNotConfirmedException"
	GroupExists            awserr.Code = "GroupExistsException"
	AliasExists            awserr.Code = "AliasExistsException"
	InternalError          awserr.Code = "InternalErrorException"
	InvalidUserPoolConfig  awserr.Code = "InvalidUserPoolConfigurationException"
	UnsupportedUserState   awserr.Code = "UnsupportedUserStateException"
	PasswordResetRequired  awserr.Code = "PasswordResetRequiredException"
	InvalidLambdaResponse  awserr.Code = "InvalidLambdaResponseException"
	LimitExceeded          awserr.Code = "LimitExceededException"
	TooManyRequests        awserr.Code = "TooManyRequestsException"
	ConcurrentModification awserr.Code = "ConcurrentModificationException"
)

const (
	kindPool    = "cognito/pool"
	kindKey     = "cognito/key"
	kindClient  = "cognito/client"
	kindUser    = "cognito/user"
	kindAlias   = "cognito/alias"
	kindGroup   = "cognito/group"
	kindRefresh = "cognito/refresh"
	kindSession = "cognito/session"
)

// Message is what Cognito would send by email or SMS: a sign-up
// confirmation code or an invitation with a temporary password.
type Message struct {
	PoolID   string
	Username string
	Medium   string // EMAIL or SMS
	To       string // the address or number, unmasked
	Kind     string // "confirmation code" or "temporary password"
	Secret   seal.Secret
}

// Options configures a Service. Sealer is required.
type Options struct {
	Region    string
	AccountID string
	Sealer    *seal.Sealer
	Now       func() time.Time
	Logger    *slog.Logger
	// Deliver receives the messages Cognito would send; nil drops them.
	Deliver func(context.Context, Message)
	// Rand is the randomness for ids, keys, codes and tokens (crypto/rand).
	Rand io.Reader
	// KeyBits is the size of a pool's RSA key (2048, as Cognito's).
	KeyBits int
}

// Service keeps user pools in a store.
type Service struct {
	st store.Store
	o  Options

	// keys caches opened signing keys by pool id and kid: a pool's key
	// never changes, and a deleted pool is found missing before its key
	// is asked for.
	kmu  sync.Mutex
	keys map[string]*rsa.PrivateKey

	hashSem chan struct{}
}

// New returns a Service over st.
func New(st store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Deliver == nil {
		o.Deliver = func(context.Context, Message) {}
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.KeyBits == 0 {
		o.KeyBits = 2048
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.AccountID == "" {
		o.AccountID = "000000000000"
	}
	return &Service{st: st, o: o, keys: map[string]*rsa.PrivateKey{}, hashSem: make(chan struct{}, hashSlots)}
}

// Region is the region the pools live in.
func (s *Service) Region() string { return s.o.Region }

// Issuer is the iss claim of a pool's tokens.
func (s *Service) Issuer(poolID string) string {
	return "https://cognito-idp." + s.o.Region + ".amazonaws.com/" + poolID
}

// PoolARN is arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}.
func (s *Service) PoolARN(poolID string) string {
	return arn.CognitoUserPool(s.o.Region, s.o.AccountID, poolID)
}

func get[T any](ctx context.Context, r store.Reader, kind, key string) (T, error) {
	var v T
	b, err := r.Get(ctx, kind, key)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, err
	}
	return v, nil
}

func notFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
