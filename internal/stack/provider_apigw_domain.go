package stack

import (
	"context"

	"github.com/iamgate/iamgate/internal/apigw"
	"github.com/iamgate/iamgate/internal/arn"
)

// Domains is what the custom domain providers need; *apigw.Service
// satisfies it.
type Domains interface {
	CreateDomainName(ctx context.Context, d apigw.DomainName) (apigw.DomainName, error)
	DeleteDomainName(ctx context.Context, name string) error
	CreateBasePathMapping(ctx context.Context, domain string, m apigw.BasePathMapping) (apigw.BasePathMapping, error)
	DeleteBasePathMapping(ctx context.Context, domain, basePath string) error
}

// RegisterDomains adds AWS::ApiGateway::DomainName and BasePathMapping
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-apigateway-domainname.html):
// Ref is the domain name; GetAtt gives the names to alias it to.
func (e *Engine) RegisterDomains(d Domains) {
	g := &domainsGuard{in: d, region: e.region}
	e.Register("AWS::ApiGateway::DomainName", &domainProvider{d: g, region: e.region})
	e.Register("AWS::ApiGateway::BasePathMapping", &basePathProvider{d: g})
}

type domainProvider struct {
	d      Domains
	region string
}

func (p *domainProvider) Create(ctx context.Context, in *Input) (Result, error) {
	dn := apigw.DomainName{DomainName: str(in.Props, "DomainName"), CertificateARN: str(in.Props, "CertificateArn"),
		RegionalCertificateARN: str(in.Props, "RegionalCertificateArn"), SecurityPolicy: str(in.Props, "SecurityPolicy")}
	if ec, ok := in.Props["EndpointConfiguration"].(map[string]any); ok {
		dn.EndpointTypes = strList(ec, "Types")
	}
	d, err := p.d.CreateDomainName(ctx, dn)
	if err != nil {
		return Result{}, err
	}
	attrs := map[string]any{"DistributionDomainName": d.DistributionDomainName, "RegionalDomainName": d.RegionalDomainName,
		// CloudFront's one hosted zone (https://docs.aws.amazon.com/general/latest/gr/cf_region.html).
		"DistributionHostedZoneId": "Z2FDTNDATAQYW2"}
	if z, ok := regionalZones[p.region]; ok {
		attrs["RegionalHostedZoneId"] = z
	}
	return Result{PhysicalID: d.DomainName, Attrs: attrs}, nil
}

// regionalZones are API Gateway's regional hosted zones
// (https://docs.aws.amazon.com/general/latest/gr/apigateway.html), for
// the regions whose zone is known here.
var regionalZones = map[string]string{"us-east-1": "Z1UJRXOUMOOFQ8", "us-west-2": "Z2OJLYMUO9EFXC", "eu-west-1": "ZLY8HYME6SFDD"}

// Update: a new DomainName is a new domain; the rest is kept as created.
func (p *domainProvider) Update(ctx context.Context, in *Input, prev State) (Result, error) {
	if str(in.Props, "DomainName") != prev.PhysicalID {
		return Result{}, ErrReplace
	}
	return Result{PhysicalID: prev.PhysicalID, Attrs: prev.Attrs}, nil
}

func (p *domainProvider) Delete(ctx context.Context, prev State) error {
	if err := p.d.DeleteDomainName(ctx, prev.PhysicalID); err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

type basePathProvider struct{ d Domains }

func (p *basePathProvider) Create(ctx context.Context, in *Input) (Result, error) {
	m, err := p.d.CreateBasePathMapping(ctx, str(in.Props, "DomainName"), apigw.BasePathMapping{
		BasePath: str(in.Props, "BasePath"), RestAPIID: str(in.Props, "RestApiId"), Stage: str(in.Props, "Stage")})
	if err != nil {
		return Result{}, err
	}
	return Result{PhysicalID: str(in.Props, "DomainName") + "/" + m.BasePath}, nil
}

// Update replaces the mapping: its key is the domain and base path.
func (p *basePathProvider) Update(context.Context, *Input, State) (Result, error) {
	return Result{}, ErrReplace
}

func (p *basePathProvider) Delete(ctx context.Context, prev State) error {
	err := p.d.DeleteBasePathMapping(ctx, str(prev.Props, "DomainName"), str(prev.Props, "BasePath"))
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

// domainsGuard authorizes each call as the REST call API Gateway serves
// for it (POST /domainnames, ...).
type domainsGuard struct {
	in     Domains
	region string
}

func (g *domainsGuard) on(ctx context.Context, method, path string) error {
	return allow(ctx, svcAPIGW, "apigateway:"+method, arn.APIGateway(g.region, path), "", nil)
}

func (g *domainsGuard) CreateDomainName(ctx context.Context, d apigw.DomainName) (apigw.DomainName, error) {
	if err := g.on(ctx, "POST", "/domainnames"); err != nil {
		return apigw.DomainName{}, err
	}
	return g.in.CreateDomainName(ctx, d)
}

func (g *domainsGuard) DeleteDomainName(ctx context.Context, name string) error {
	if err := g.on(ctx, "DELETE", "/domainnames/"+name); err != nil {
		return err
	}
	return g.in.DeleteDomainName(ctx, name)
}

func (g *domainsGuard) CreateBasePathMapping(ctx context.Context, domain string, m apigw.BasePathMapping) (apigw.BasePathMapping, error) {
	if err := g.on(ctx, "POST", "/domainnames/"+domain+"/basepathmappings"); err != nil {
		return apigw.BasePathMapping{}, err
	}
	return g.in.CreateBasePathMapping(ctx, domain, m)
}

func (g *domainsGuard) DeleteBasePathMapping(ctx context.Context, domain, basePath string) error {
	if basePath == "" {
		basePath = apigw.NoBasePath
	}
	if err := g.on(ctx, "DELETE", "/domainnames/"+domain+"/basepathmappings/"+basePath); err != nil {
		return err
	}
	return g.in.DeleteBasePathMapping(ctx, domain, basePath)
}
