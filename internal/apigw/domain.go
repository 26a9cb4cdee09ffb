package apigw

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// Custom domain names and their base path mappings
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-custom-domains.html):
// a request whose Host is a domain name is served by the API stage its
// first path part maps to, or the "(none)" mapping.

const (
	kindDomain   = "apigw/domain"   // key: domain name
	kindBasePath = "apigw/basepath" // key: domain name + "/" + base path ("(none)" for the empty one)
)

// NoBasePath is the base path of a mapping without one.
const NoBasePath = "(none)"

// DomainName is a custom domain name.
type DomainName struct {
	DomainName             string    `json:"domainName"`
	CertificateARN         string    `json:"certificateArn,omitempty"`
	RegionalCertificateARN string    `json:"regionalCertificateArn,omitempty"`
	EndpointTypes          []string  `json:"endpointTypes,omitempty"`
	SecurityPolicy         string    `json:"securityPolicy,omitempty"`
	CreatedDate            time.Time `json:"createdDate"`
	// The names AWS gives the domain's CloudFront distribution or regional
	// endpoint, for DNS aliases.
	DistributionDomainName string `json:"distributionDomainName,omitempty"`
	RegionalDomainName     string `json:"regionalDomainName,omitempty"`
}

// BasePathMapping maps a domain's base path to an API stage.
type BasePathMapping struct {
	BasePath  string `json:"basePath"`
	RestAPIID string `json:"restApiId"`
	Stage     string `json:"stage,omitempty"`
}

// validDomainName accepts a DNS name of two labels or more that names no
// host iamgate itself answers as: no IP address, no localhost and no
// amazonaws.com name, so a domain cannot take over the control plane's or
// the execute-api hosts.
func validDomainName(n string) bool {
	if len(n) > 253 || net.ParseIP(n) != nil || !strings.Contains(n, ".") {
		return false
	}
	lower := strings.ToLower(n)
	if lower != n {
		return false
	}
	for _, own := range []string{"localhost", "amazonaws.com", "amazonaws.com.cn", "on.aws"} {
		if lower == own || strings.HasSuffix(lower, "."+own) {
			return false
		}
	}
	labels := strings.Split(n, ".")
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return false // an all-numeric top label is an IPv4 form (127.1), not DNS
	}
	for _, label := range labels {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func errDomainNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid domain name identifier specified")
}

// CreateDomainName registers a custom domain name.
func (s *Service) CreateDomainName(ctx context.Context, d DomainName) (DomainName, error) {
	if !validDomainName(d.DomainName) {
		return DomainName{}, awserr.New(awserr.BadRequestException, "Invalid domain name specified: %s", d.DomainName)
	}
	d.CreatedDate = s.now()
	d.DistributionDomainName = "d" + NewID(13) + ".cloudfront.net"
	d.RegionalDomainName = "d-" + NewID(10) + ".execute-api." + s.opts.Region + ".amazonaws.com"
	err := record.Create(ctx, s.st, kindDomain, d.DomainName, &d)
	s.domains.Invalidate()
	if errors.Is(err, store.ErrConflict) {
		return DomainName{}, awserr.New(awserr.ConflictException, "The domain name you provided already exists.")
	}
	if err != nil {
		return DomainName{}, fmt.Errorf("apigw: create domain name: %w", err)
	}
	return d, nil
}

// GetDomainName returns a domain name.
func (s *Service) GetDomainName(ctx context.Context, name string) (DomainName, error) {
	b, err := s.st.Get(ctx, kindDomain, name)
	if errors.Is(err, store.ErrNotFound) {
		return DomainName{}, errDomainNotFound()
	}
	if err != nil {
		return DomainName{}, fmt.Errorf("apigw: get domain name: %w", err)
	}
	var d DomainName
	if err := json.Unmarshal(b, &d); err != nil {
		return DomainName{}, fmt.Errorf("apigw: decode domain name: %w", err)
	}
	return d, nil
}

// DeleteDomainName deletes a domain name with its mappings.
func (s *Service) DeleteDomainName(ctx context.Context, name string) error {
	defer s.domains.Invalidate()
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(ctx, kindDomain, name); errors.Is(err, store.ErrNotFound) {
			return errDomainNotFound()
		}
		items, err := tx.List(ctx, kindBasePath, name+"/")
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := tx.Delete(ctx, kindBasePath, it.Key); err != nil {
				return err
			}
		}
		return tx.Delete(ctx, kindDomain, name)
	})
}

// CreateBasePathMapping maps a base path of a domain to an API stage.
func (s *Service) CreateBasePathMapping(ctx context.Context, domain string, m BasePathMapping) (BasePathMapping, error) {
	if m.BasePath == "" {
		m.BasePath = NoBasePath
	}
	if m.BasePath != NoBasePath && !validBasePath(m.BasePath) {
		return BasePathMapping{}, awserr.New(awserr.BadRequestException, "API Gateway V1 doesn't support the slash character (/) in base path mappings. To create a multi-level base path mapping, use API Gateway V2.")
	}
	defer s.domains.Invalidate()
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(ctx, kindDomain, domain); errors.Is(err, store.ErrNotFound) {
			return errDomainNotFound()
		}
		if _, err := s.getAPI(ctx, tx, m.RestAPIID); err != nil {
			return awserr.New(awserr.BadRequestException, "Invalid REST API identifier specified")
		}
		if m.Stage != "" {
			if _, err := s.getStage(ctx, tx, m.RestAPIID, m.Stage); err != nil {
				return awserr.New(awserr.BadRequestException, "Invalid stage identifier specified")
			}
		}
		err := record.Create(ctx, tx, kindBasePath, domain+"/"+m.BasePath, &m)
		if errors.Is(err, store.ErrConflict) {
			return awserr.New(awserr.ConflictException, "Base path already exists for this domain name")
		}
		return err
	})
	return m, err
}

func validBasePath(p string) bool {
	if p == "" || strings.Contains(p, "/") {
		return false
	}
	return validPathPart(p) && !isVariable(p)
}

// DeleteBasePathMapping removes a mapping.
func (s *Service) DeleteBasePathMapping(ctx context.Context, domain, basePath string) error {
	if basePath == "" {
		basePath = NoBasePath
	}
	err := s.st.Delete(ctx, kindBasePath, domain+"/"+basePath)
	s.domains.Invalidate()
	if errors.Is(err, store.ErrNotFound) {
		return awserr.New(awserr.NotFoundException, "Invalid base path mapping identifier specified")
	}
	return err
}

// mappings is every domain's mappings (domain → base path → mapping),
// reloaded at most once per DeployedTTL: the server asks it of requests for
// hosts it does not know.
func (s *Service) mappings(ctx context.Context) (map[string]map[string]BasePathMapping, error) {
	return s.domains.Get(ctx, "", s.loadMappings, nil)
}

func (s *Service) loadMappings(ctx context.Context) (map[string]map[string]BasePathMapping, error) {
	items, err := s.st.List(ctx, kindBasePath, "")
	if err != nil {
		return nil, fmt.Errorf("apigw: list base path mappings: %w", err)
	}
	m := map[string]map[string]BasePathMapping{}
	for _, it := range items {
		var bm BasePathMapping
		if json.Unmarshal(it.Value, &bm) != nil {
			continue
		}
		domain := strings.TrimSuffix(it.Key, "/"+bm.BasePath)
		if m[domain] == nil {
			m[domain] = map[string]BasePathMapping{}
		}
		m[domain][bm.BasePath] = bm
	}
	return m, nil
}

// IsDomain reports whether host (no port) is a custom domain with a mapping.
// A name refused at creation never matches, even if stored by an older
// version: the control plane and execute-api hosts stay iamgate's.
func (s *Service) IsDomain(ctx context.Context, host string) bool {
	if !validDomainName(host) {
		return false
	}
	m, err := s.mappings(ctx)
	return err == nil && len(m[host]) > 0
}

// ResolveDomain maps a request to a custom domain: the API and stage of
// the mapping its first path part names (consumed true), else of the
// "(none)" mapping.
func (s *Service) ResolveDomain(ctx context.Context, host, first string) (apiID, stage string, consumed, ok bool) {
	m, err := s.mappings(ctx)
	if err != nil {
		return "", "", false, false
	}
	maps := m[host]
	if bm, found := maps[first]; found && first != "" && first != NoBasePath {
		return bm.RestAPIID, bm.Stage, true, bm.Stage != ""
	}
	if bm, found := maps[NoBasePath]; found {
		return bm.RestAPIID, bm.Stage, false, bm.Stage != ""
	}
	return "", "", false, false
}
