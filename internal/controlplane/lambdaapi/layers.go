package lambdaapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/functions"
)

// Layers is the layers part of Functions.
type Layers interface {
	LayerARN(name string) string
	PublishLayerVersion(ctx context.Context, name string, in functions.LayerInput, zipped []byte) (functions.LayerVersion, error)
	GetLayerVersion(ctx context.Context, name string, version int64) (functions.LayerVersion, error)
	GetLayerVersionByArn(ctx context.Context, arn string) (functions.LayerVersion, error)
	ListLayerVersions(ctx context.Context, name string) ([]functions.LayerVersion, error)
	ListLayers(ctx context.Context) ([]functions.LayerVersion, error)
	DeleteLayerVersion(ctx context.Context, name string, version int64) error
}

// Layer operations
// (https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html
// and its siblings). IAM resources, as the Lambda developer guide's
// "Lambda API permissions" table gives them: PublishLayerVersion and
// ListLayerVersions on the layer ARN, GetLayerVersion (also for
// GetLayerVersionByArn) and DeleteLayerVersion on the layer version ARN,
// ListLayers on "*".

// layerVersionOut is GetLayerVersion's and PublishLayerVersion's answer.
type layerVersionOut struct {
	Content                 layerContent `json:"Content"`
	LayerArn                string       `json:"LayerArn"`
	LayerVersionArn         string       `json:"LayerVersionArn"`
	Description             string       `json:"Description,omitempty"`
	CreatedDate             string       `json:"CreatedDate"`
	Version                 int64        `json:"Version"`
	CompatibleRuntimes      []string     `json:"CompatibleRuntimes,omitempty"`
	LicenseInfo             string       `json:"LicenseInfo,omitempty"`
	CompatibleArchitectures []string     `json:"CompatibleArchitectures,omitempty"`
}

type layerContent struct {
	// Location is a pre-signed S3 URL on Lambda; iamgate keeps layer
	// archives in its store, not in a bucket, so it has none to give.
	Location   string `json:"Location,omitempty"`
	CodeSha256 string `json:"CodeSha256"`
	CodeSize   int64  `json:"CodeSize"`
}

// layerVersionsItem is a LayerVersionsListItem.
type layerVersionsItem struct {
	LayerVersionArn         string   `json:"LayerVersionArn"`
	Version                 int64    `json:"Version"`
	Description             string   `json:"Description,omitempty"`
	CreatedDate             string   `json:"CreatedDate"`
	CompatibleRuntimes      []string `json:"CompatibleRuntimes,omitempty"`
	LicenseInfo             string   `json:"LicenseInfo,omitempty"`
	CompatibleArchitectures []string `json:"CompatibleArchitectures,omitempty"`
}

func layerVersionOf(l functions.LayerVersion) layerVersionOut {
	return layerVersionOut{Content: layerContent{CodeSha256: l.CodeSha256, CodeSize: l.CodeSize},
		LayerArn: l.LayerArn, LayerVersionArn: l.LayerVersionArn, Description: l.Description,
		CreatedDate: timestamp(l.Created), Version: l.Version, CompatibleRuntimes: l.CompatibleRuntimes,
		LicenseInfo: l.LicenseInfo, CompatibleArchitectures: l.CompatibleArchitectures}
}

func layerItem(l functions.LayerVersion) layerVersionsItem {
	return layerVersionsItem{LayerVersionArn: l.LayerVersionArn, Version: l.Version, Description: l.Description,
		CreatedDate: timestamp(l.Created), CompatibleRuntimes: l.CompatibleRuntimes, LicenseInfo: l.LicenseInfo,
		CompatibleArchitectures: l.CompatibleArchitectures}
}

// layerName validates the route's LayerName before anything uses it and
// returns the bare name.
func (c *call) layerName() (string, error) {
	if err := functions.ValidateLayerName(c.rt.layer); err != nil {
		return "", err
	}
	return functions.LayerNameOf(c.rt.layer), nil
}

// layerVersion is the route's VersionNumber (a long in Lambda's model).
func (c *call) layerVersion() (int64, error) {
	n, err := strconv.ParseInt(c.rt.version, 10, 64)
	if err != nil {
		return 0, awserr.New(awserr.ValidationException, "1 validation error detected: Value '%s' at 'versionNumber' failed to satisfy constraint: Member must be a number", c.rt.version)
	}
	return n, nil
}

type publishLayerRequest struct {
	Description             string       `json:"Description"`
	Content                 functionCode `json:"Content"`
	CompatibleRuntimes      []string     `json:"CompatibleRuntimes"`
	LicenseInfo             string       `json:"LicenseInfo"`
	CompatibleArchitectures []string     `json:"CompatibleArchitectures"`
}

// publishLayerVersion is PublishLayerVersion (201).
func (c *call) publishLayerVersion() error {
	name, err := c.layerName()
	if err != nil {
		return err
	}
	if err := c.authorize("lambda:PublishLayerVersion", c.h.o.Functions.LayerARN(name)); err != nil {
		return err
	}
	var req publishLayerRequest
	if err := c.readJSON(&req, maxCodeRequest); err != nil {
		return err
	}
	if err := checkLength("description", req.Description, 256); err != nil {
		return err
	}
	if err := checkLength("licenseInfo", req.LicenseInfo, 512); err != nil {
		return err
	}
	zipped, err := c.zip(req.Content)
	if err != nil {
		return err
	}
	lv, err := c.h.o.Functions.PublishLayerVersion(c.ctx, c.rt.layer, functions.LayerInput{Description: req.Description,
		LicenseInfo: req.LicenseInfo, CompatibleRuntimes: req.CompatibleRuntimes, CompatibleArchitectures: req.CompatibleArchitectures}, zipped)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, layerVersionOf(lv))
}

// checkLength is Lambda's length validation of a string member.
func checkLength(member, v string, max int) error {
	if len(v) > max {
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", v, member, max)
	}
	return nil
}

// getLayerVersion is GetLayerVersion.
func (c *call) getLayerVersion() error {
	_, n, err := c.layerVersionCall("lambda:GetLayerVersion", true)
	if err != nil {
		return err
	}
	lv, err := c.h.o.Functions.GetLayerVersion(c.ctx, c.rt.layer, n)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, layerVersionOf(lv))
}

// listLayers is ListLayers, or GetLayerVersionByArn (GET
// /2018-10-31/layers?find=LayerVersion&Arn=...), which shares its path.
func (c *call) listLayers() error {
	q := c.r.URL.Query()
	if q.Get("find") == "LayerVersion" {
		return c.getLayerVersionByArn(q.Get("Arn"))
	}
	if err := c.authorize("lambda:ListLayers", "*"); err != nil {
		return err
	}
	all, err := c.h.o.Functions.ListLayers(c.ctx)
	if err != nil {
		return err
	}
	type item struct {
		LayerName             string            `json:"LayerName"`
		LayerArn              string            `json:"LayerArn"`
		LatestMatchingVersion layerVersionsItem `json:"LatestMatchingVersion"`
	}
	var items []item
	for _, l := range filterLayers(all, q.Get("CompatibleRuntime"), q.Get("CompatibleArchitecture")) {
		if len(items) > 0 && items[len(items)-1].LayerName == l.Name {
			continue // all is newest first within a name: the first match is the latest
		}
		items = append(items, item{LayerName: l.Name, LayerArn: l.LayerArn, LatestMatchingVersion: layerItem(l)})
	}
	page, next, err := paginate(items, q.Get("Marker"), q.Get("MaxItems"))
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, struct {
		NextMarker string `json:"NextMarker,omitempty"`
		Layers     []item `json:"Layers"`
	}{next, page})
}

// getLayerVersionByArn is GetLayerVersionByArn: lambda:GetLayerVersion on
// the ARN.
func (c *call) getLayerVersionByArn(arn string) error {
	if arn == "" {
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value null at 'arn' failed to satisfy constraint: Member must not be null")
	}
	lv, err := c.h.o.Functions.GetLayerVersionByArn(c.ctx, arn)
	if awserr.Is(err, awserr.ValidationException) {
		return err
	}
	if err := c.authorize("lambda:GetLayerVersion", arn, c.layerPoliciesOf(arn)...); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, layerVersionOf(lv))
}

// listLayerVersions is ListLayerVersions, newest first.
func (c *call) listLayerVersions() error {
	name, err := c.layerName()
	if err != nil {
		return err
	}
	if err := c.authorize("lambda:ListLayerVersions", c.h.o.Functions.LayerARN(name)); err != nil {
		return err
	}
	all, err := c.h.o.Functions.ListLayerVersions(c.ctx, c.rt.layer)
	if err != nil {
		return err
	}
	q := c.r.URL.Query()
	items := []layerVersionsItem{}
	for _, l := range filterLayers(all, q.Get("CompatibleRuntime"), q.Get("CompatibleArchitecture")) {
		items = append(items, layerItem(l))
	}
	page, next, err := paginate(items, q.Get("Marker"), q.Get("MaxItems"))
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, struct {
		NextMarker    string              `json:"NextMarker,omitempty"`
		LayerVersions []layerVersionsItem `json:"LayerVersions"`
	}{next, page})
}

// deleteLayerVersion is DeleteLayerVersion (204, also for a version that
// does not exist).
func (c *call) deleteLayerVersion() error {
	_, n, err := c.layerVersionCall("lambda:DeleteLayerVersion", false)
	if err != nil {
		return err
	}
	if err := c.h.o.Functions.DeleteLayerVersion(c.ctx, c.rt.layer, n); err != nil {
		return err
	}
	return c.noContent()
}

// filterLayers keeps the versions compatible with runtime and arch when
// they are given, as the CompatibleRuntime/CompatibleArchitecture filters do.
func filterLayers(all []functions.LayerVersion, runtime, arch string) []functions.LayerVersion {
	var out []functions.LayerVersion
	for _, l := range all {
		if runtime != "" && !contains(l.CompatibleRuntimes, runtime) {
			continue
		}
		if arch != "" && !contains(l.CompatibleArchitectures, arch) {
			continue
		}
		out = append(out, l)
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// paginate pages a list by Marker (the index to start at, as a string)
// and MaxItems (1 to 50, Lambda's MaxLayerListItems).
func paginate[T any](items []T, marker, maxItems string) ([]T, string, error) {
	max := 50
	if maxItems != "" {
		n, err := strconv.Atoi(maxItems)
		if err != nil || n < 1 || n > 50 {
			return nil, "", awserr.New(awserr.ValidationException, "1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50", maxItems)
		}
		max = n
	}
	start := 0
	if marker != "" {
		n, err := strconv.Atoi(marker)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", awserr.New(InvalidParameter, "Invalid marker: %s", marker)
		}
		start = n
	}
	end := min(start+max, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	page := items[start:end]
	if page == nil {
		page = []T{}
	}
	return page, next, nil
}
