package server

import (
	"context"
	"crypto/rsa"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/cognito"
	"github.com/iamgate/iamgate/internal/controlplane/cognitoapi"
	"github.com/iamgate/iamgate/internal/jwtauth"
	"github.com/iamgate/iamgate/internal/logs"
	"github.com/iamgate/iamgate/internal/transport"
)

// cognitoInbox is where the messages Cognito would email or text go:
// iamgate sends no email, so each lands in the log group
// /iamgate/cognito/{poolId}, stream messages, readable with `aws logs`
// by whoever IAM lets read it (README: "Cognito").
type cognitoInbox struct {
	logs *logs.Service
	log  *slog.Logger
	now  func() time.Time
}

func (c cognitoInbox) deliver(ctx context.Context, m cognito.Message) {
	text := "Cognito would send " + m.Medium + " to " + m.To + ": " + m.Kind + " for user " + m.Username + ": " + m.Secret.Reveal()
	if m.To == "" {
		text = "Cognito has no address to send to: " + m.Kind + " for user " + m.Username + ": " + m.Secret.Reveal()
	}
	group := "/iamgate/cognito/" + m.PoolID
	if err := c.logs.Write(ctx, group, "messages", []logs.Event{{Timestamp: c.now(), Message: text}}); err != nil {
		c.log.Warn("cognito message not delivered", "pool", m.PoolID, "user", m.Username, "err", err)
		return
	}
	c.log.Info("cognito message delivered to CloudWatch Logs", "pool", m.PoolID, "user", m.Username, "kind", m.Kind, "log_group", group)
}

// isCognitoWellKnown reports whether r asks for a pool's JWKS or OpenID
// configuration, on the cognito-idp host (proxy mode) or iamgate's own
// address: the issuer URL's path, unsigned, as Cognito serves it.
func isCognitoWellKnown(r *http.Request) bool {
	if _, _, ok := cognitoapi.WellKnown(r); !ok {
		return false
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	h := transport.Classify(host)
	return h.Kind == transport.AWS && h.Service == "cognito-idp" || h.Kind == transport.Local && (h.Name == "localhost" || net.ParseIP(h.Name) != nil)
}

// tokenKeys finds JWT signing keys: iamgate's own user pools in process,
// any other OpenID Connect issuer by discovery.
type tokenKeys struct {
	pools  *cognito.Service
	remote *jwtauth.Remote
}

func (k tokenKeys) Key(ctx context.Context, issuer, kid string) (*rsa.PublicKey, error) {
	poolID, ok := k.pools.PoolOfIssuer(issuer)
	if !ok {
		return k.remote.Key(ctx, issuer, kid)
	}
	keys, err := k.pools.PublicKeys(ctx, poolID)
	if awserr.Is(err, cognito.ResourceNotFound) {
		return nil, jwtauth.ErrUnknownKey
	}
	if err != nil {
		return nil, err
	}
	if key := keys[kid]; key != nil {
		return key, nil
	}
	return nil, jwtauth.ErrUnknownKey
}
