package functions

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/iamgate/iamgate/internal/awserr"
)

// LayerNamePattern is the LayerName pattern of the Lambda API reference
// (PublishLayerVersion, GetLayerVersion, ListLayerVersions, DeleteLayerVersion,
// https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html#lambda-PublishLayerVersion-request-LayerName):
// a name or the layer's ARN, at most 140 characters.
const LayerNamePattern = `(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+`

// LayersPattern is the pattern of each member of a function's Layers
// (CreateFunction, UpdateFunctionConfiguration): a layer version ARN.
const LayersPattern = `(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`

var (
	layerName    = regexp.MustCompile(`^(?:` + LayerNamePattern + `)$`)
	layerVersion = regexp.MustCompile(`^arn:([a-zA-Z0-9-]+):lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$`)
	layersMember = regexp.MustCompile(`^(?:` + LayersPattern + `)$`)
)

const maxLayerName = 140

// ValidateLayerName checks a LayerName as Lambda does, with its
// ValidationException text. A layer's name becomes a store key, never a
// path (layer content is kept by content hash, as function code is), but
// "..", "a/b" or "" must never reach either.
func ValidateLayerName(v string) error {
	switch {
	case v == "":
		return awserr.New(awserr.ValidationException, "1 validation error detected: Value null at 'layerName' failed to satisfy constraint: Member must not be null")
	case len(v) > maxLayerName:
		return awserr.New(awserr.ValidationException,
			"1 validation error detected: Value '%s' at 'layerName' failed to satisfy constraint: Member must have length less than or equal to %d", v, maxLayerName)
	case !layerName.MatchString(v):
		return awserr.New(awserr.ValidationException,
			"1 validation error detected: Value '%s' at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", v, LayerNamePattern)
	}
	return nil
}

// LayerNameOf reduces a valid LayerName (a name or a layer ARN) to the name.
func LayerNameOf(v string) string {
	if i := strings.LastIndex(v, ":layer:"); i >= 0 {
		return v[i+len(":layer:"):]
	}
	return v
}

// validateLayers checks a function's Layers list as Lambda's request
// validation does: every member a layer version ARN of at most 140
// characters. The message lists the whole value, as Lambda's does
// (https://github.com/aws/aws-cli/issues/8426).
func validateLayers(arns []string) error {
	for _, a := range arns {
		if len(a) < 1 || len(a) > 140 || !layersMember.MatchString(a) {
			return awserr.New(awserr.ValidationException,
				"1 validation error detected: Value '[%s]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: "+
					"[Member must have length less than or equal to 140, Member must have length greater than or equal to 1, "+
					"Member must satisfy regular expression pattern: %s, Member must not be null]", strings.Join(arns, ", "), LayersPattern)
		}
	}
	return nil
}

// layerVersionRef is a parsed layer version ARN.
type layerVersionRef struct {
	region, account, name string
	version               int64
}

func parseLayerVersionARN(arn string) (layerVersionRef, bool) {
	m := layerVersion.FindStringSubmatch(arn)
	if m == nil {
		return layerVersionRef{}, false
	}
	n, err := strconv.ParseInt(m[5], 10, 64)
	if err != nil {
		return layerVersionRef{}, false
	}
	return layerVersionRef{region: m[2], account: m[3], name: m[4], version: n}, true
}

// ValidLayerVersionARN reports whether v is a layer version ARN (what IAM
// authorizes lambda:GetLayerVersion on).
func ValidLayerVersionARN(v string) bool {
	_, ok := parseLayerVersionARN(v)
	return ok && len(v) <= 140
}

// LayerVersionOf splits a layer version ARN into the layer's name and the
// version number.
func LayerVersionOf(arn string) (name string, version int64, ok bool) {
	ref, ok := parseLayerVersionARN(arn)
	return ref.name, ref.version, ok
}
