package functions

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/arn"
	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Layers, as Lambda keeps them
// (https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html): each
// PublishLayerVersion of a name makes an immutable version numbered from 1,
// never reused; its content is a zip archive kept like function code (by
// hash, in the store and extracted under the code root). A function lists
// up to 5 layer versions; a version deleted later keeps working for the
// functions that had it.

const (
	kindLayer        = "lambda/layer"        // key: layer name; value: layerRecord
	kindLayerVersion = "lambda/layerversion" // key: name ":" zero-padded version
)

// maxFunctionLayers is how many layers a function may use
// (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
const maxFunctionLayers = 5

// LayerVersion is one published version of a layer.
type LayerVersion struct {
	Name                    string    `json:"name"`
	Version                 int64     `json:"version"`
	LayerArn                string    `json:"layerArn"`
	LayerVersionArn         string    `json:"layerVersionArn"`
	Description             string    `json:"description,omitempty"`
	LicenseInfo             string    `json:"licenseInfo,omitempty"`
	CompatibleRuntimes      []string  `json:"compatibleRuntimes,omitempty"`
	CompatibleArchitectures []string  `json:"compatibleArchitectures,omitempty"`
	CodeSha256              string    `json:"codeSha256"`
	CodeSize                int64     `json:"codeSize"`
	Created                 time.Time `json:"created"`
	// Policy is the version's resource-based policy (layerpolicy.go),
	// PolicyRevision its RevisionId.
	Policy         []LayerPermission `json:"policy,omitempty"`
	PolicyRevision string            `json:"policyRevision,omitempty"`
}

// LayerInput is what PublishLayerVersion sets besides the content.
type LayerInput struct {
	Description             string
	LicenseInfo             string
	CompatibleRuntimes      []string
	CompatibleArchitectures []string
}

// LayerRef is one of a function's layers: its version ARN and, once
// resolved, the content it runs with.
type LayerRef struct {
	Arn        string `json:"arn"`
	CodeSha256 string `json:"codeSha256,omitempty"`
	CodeSize   int64  `json:"codeSize,omitempty"`
}

// LayerRefs makes unresolved references of layer version ARNs (Put
// resolves them).
func LayerRefs(arns []string) []LayerRef {
	if arns == nil {
		return nil
	}
	out := make([]LayerRef, len(arns))
	for i, a := range arns {
		out[i] = LayerRef{Arn: a}
	}
	return out
}

// LayerArns lists a function's layer version ARNs.
func (c Config) LayerArns() []string {
	var out []string
	for _, l := range c.Layers {
		out = append(out, l.Arn)
	}
	return out
}

type layerRecord struct {
	LastVersion int64 `json:"lastVersion"`
}

func layerVersionKey(name string, v int64) string { return fmt.Sprintf("%s:%010d", name, v) }

// LayerARN is the ARN of the named layer (no version).
func (s *Service) LayerARN(name string) string {
	return arn.LambdaLayer(s.region, s.account, name)
}

// errLayerNotFound is Lambda's answer for a layer version it does not have.
func errLayerNotFound() error {
	return awserr.New(ResourceNotFound, "The resource you requested does not exist.")
}

// PublishLayerVersion stores zipped as the next version of the layer name.
func (s *Service) PublishLayerVersion(ctx context.Context, name string, in LayerInput, zipped []byte) (LayerVersion, error) {
	if err := ValidateLayerName(name); err != nil {
		return LayerVersion{}, err
	}
	name = LayerNameOf(name)
	sum := sha256.Sum256(zipped)
	lv := LayerVersion{Name: name, LayerArn: s.LayerARN(name), Description: in.Description, LicenseInfo: in.LicenseInfo,
		CompatibleRuntimes: slices.Clone(in.CompatibleRuntimes), CompatibleArchitectures: slices.Clone(in.CompatibleArchitectures),
		CodeSha256: base64.StdEncoding.EncodeToString(sum[:]), CodeSize: int64(len(zipped)), Created: s.now().UTC()}
	// Extracting first refuses an archive that is not a zip before a
	// version number is spent on it.
	if err := s.extractSha(lv.CodeSha256, zipped); err != nil {
		return LayerVersion{}, err
	}
	err := s.st.Update(ctx, func(tx store.Tx) error {
		var rec layerRecord
		b, err := tx.Get(ctx, kindLayer, name)
		if err == nil {
			if err := json.Unmarshal(b, &rec); err != nil {
				return err
			}
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		rec.LastVersion++
		lv.Version = rec.LastVersion
		lv.LayerVersionArn = fmt.Sprintf("%s:%d", lv.LayerArn, lv.Version)
		rb, _ := json.Marshal(rec)
		vb, _ := json.Marshal(lv)
		if err := tx.Put(ctx, kindCode, shaKey(lv.CodeSha256), zipped); err != nil {
			return err
		}
		if err := tx.Put(ctx, kindLayer, name, rb); err != nil {
			return err
		}
		return tx.Put(ctx, kindLayerVersion, layerVersionKey(name, lv.Version), vb)
	})
	if err != nil {
		return LayerVersion{}, err
	}
	return lv, nil
}

// GetLayerVersion returns one version of a layer (name: a name or layer ARN).
func (s *Service) GetLayerVersion(ctx context.Context, name string, version int64) (LayerVersion, error) {
	if err := ValidateLayerName(name); err != nil {
		return LayerVersion{}, err
	}
	if !s.ownLayer(name) {
		return LayerVersion{}, errLayerNotFound()
	}
	b, err := s.st.Get(ctx, kindLayerVersion, layerVersionKey(LayerNameOf(name), version))
	if errors.Is(err, store.ErrNotFound) {
		return LayerVersion{}, errLayerNotFound()
	}
	if err != nil {
		return LayerVersion{}, err
	}
	var lv LayerVersion
	return lv, json.Unmarshal(b, &lv)
}

// ownLayer reports whether a LayerName names a layer of this account and
// region: a bare name does; an ARN must say so (another account's layers
// do not exist here).
func (s *Service) ownLayer(name string) bool {
	if !strings.HasPrefix(name, "arn:") {
		return true
	}
	return strings.HasPrefix(name, arn.LambdaLayer(s.region, s.account, ""))
}

// GetLayerVersionByArn returns the layer version an ARN names.
func (s *Service) GetLayerVersionByArn(ctx context.Context, arn string) (LayerVersion, error) {
	ref, ok := parseLayerVersionARN(arn)
	if !ok {
		return LayerVersion{}, awserr.New(awserr.ValidationException,
			"1 validation error detected: Value '%s' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: "+
				`arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`, arn)
	}
	if ref.region != s.region || ref.account != s.account {
		return LayerVersion{}, errLayerNotFound()
	}
	return s.GetLayerVersion(ctx, ref.name, ref.version)
}

// ListLayerVersions lists a layer's versions, newest first; a layer
// without versions has none (not an error, as on Lambda).
func (s *Service) ListLayerVersions(ctx context.Context, name string) ([]LayerVersion, error) {
	if err := ValidateLayerName(name); err != nil {
		return nil, err
	}
	if !s.ownLayer(name) {
		return nil, nil
	}
	out, err := s.layerVersions(ctx, LayerNameOf(name)+":")
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version > out[j].Version })
	return out, nil
}

// layerVersions decodes the stored layer versions whose key starts with
// prefix ("" for all; a layer's name and ":" for its versions).
func (s *Service) layerVersions(ctx context.Context, prefix string) ([]LayerVersion, error) {
	items, err := s.st.List(ctx, kindLayerVersion, prefix)
	if err != nil {
		return nil, err
	}
	out := make([]LayerVersion, 0, len(items))
	for _, it := range items {
		var lv LayerVersion
		if err := json.Unmarshal(it.Value, &lv); err != nil {
			return nil, err
		}
		out = append(out, lv)
	}
	return out, nil
}

// ListLayers returns every layer's versions, by layer name, newest first.
func (s *Service) ListLayers(ctx context.Context) ([]LayerVersion, error) {
	out, err := s.layerVersions(ctx, "")
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Version > out[j].Version
	})
	return out, nil
}

// DeleteLayerVersion deletes a version; deleting one that does not exist
// succeeds, as on Lambda. Functions using it keep its content.
func (s *Service) DeleteLayerVersion(ctx context.Context, name string, version int64) error {
	lv, err := s.GetLayerVersion(ctx, name, version)
	if awserr.Is(err, ResourceNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.st.Delete(ctx, kindLayerVersion, layerVersionKey(lv.Name, lv.Version)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !s.shaInUse(ctx, lv.CodeSha256) {
		_ = s.st.Delete(ctx, kindCode, shaKey(lv.CodeSha256))
		_ = os.RemoveAll(s.shaDir(lv.CodeSha256))
	}
	return nil
}

// resolveLayers checks a function's Layers as CreateFunction and
// UpdateFunctionConfiguration do and fills in each new reference's content;
// references that carry their content already (the stored configuration's)
// keep it.
func (s *Service) resolveLayers(ctx context.Context, refs []LayerRef) ([]LayerRef, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	arns := make([]string, len(refs))
	for i, r := range refs {
		arns[i] = r.Arn
	}
	if err := validateLayers(arns); err != nil {
		return nil, err
	}
	if len(refs) > maxFunctionLayers {
		// The quota is documented; Lambda's wording for it was not found
		// published, so this text is iamgate's.
		return nil, awserr.New(InvalidParameter, "Cannot reference more than %d layers.", maxFunctionLayers)
	}
	out := make([]LayerRef, len(refs))
	seen := map[string]string{}
	for i, r := range refs {
		ref, ok := parseLayerVersionARN(r.Arn)
		if !ok {
			return nil, awserr.New(InvalidParameter, "Layer version %s does not exist.", r.Arn)
		}
		if prev, dup := seen[ref.name]; dup {
			// Lambda's text, also for the same version twice
			// (https://github.com/DataDog/serverless-plugin-datadog/issues/195).
			return nil, awserr.New(InvalidParameter, "Two different versions of the same layer are not allowed to be referenced in the same function. %s and %s are versions of the same layer.", prev, r.Arn)
		}
		seen[ref.name] = r.Arn
		if r.CodeSha256 != "" {
			out[i] = r
			continue
		}
		lv, err := s.GetLayerVersionByArn(ctx, r.Arn)
		if awserr.Is(err, ResourceNotFound) {
			return nil, awserr.New(InvalidParameter, "Layer version %s does not exist.", r.Arn)
		}
		if err != nil {
			return nil, err
		}
		out[i] = LayerRef{Arn: lv.LayerVersionArn, CodeSha256: lv.CodeSha256, CodeSize: lv.CodeSize}
	}
	return out, nil
}

// ensureLayers extracts the content of c's layers that this node lacks.
func (s *Service) ensureLayers(ctx context.Context, c Config) error {
	for _, l := range c.Layers {
		if _, err := os.Stat(s.shaDir(l.CodeSha256)); err == nil {
			continue
		}
		zipped, err := s.st.Get(ctx, kindCode, shaKey(l.CodeSha256))
		if err != nil {
			return fmt.Errorf("function %s: layer %s: %w", c.Name, l.Arn, err)
		}
		if err := s.extractSha(l.CodeSha256, zipped); err != nil {
			return err
		}
	}
	return nil
}

// layerDirs are the directories of c's layers' content, in order.
func (s *Service) layerDirs(c Config) []string {
	var out []string
	for _, l := range c.Layers {
		out = append(out, s.shaDir(l.CodeSha256))
	}
	return out
}

// shaInUse reports whether any function, version or layer version still
// uses the archive of that hash (as code or as a layer).
func (s *Service) shaInUse(ctx context.Context, sha string) bool {
	for _, kind := range []string{kindFunction, kindVersion} {
		items, err := s.st.List(ctx, kind, "")
		if err != nil {
			return true
		}
		for _, it := range items {
			e, err := s.cached(it.Key, it.Value)
			if err != nil || e.cfg.CodeSha256 == sha || slices.ContainsFunc(e.cfg.Layers, func(l LayerRef) bool { return l.CodeSha256 == sha }) {
				return true
			}
		}
	}
	items, err := s.st.List(ctx, kindLayerVersion, "")
	if err != nil {
		return true
	}
	for _, it := range items {
		var lv LayerVersion
		if json.Unmarshal(it.Value, &lv) != nil || lv.CodeSha256 == sha {
			return true
		}
	}
	return false
}

// dropUnused removes, from the store and the code root, the archives of a
// deleted function or version (its code, its layers') that nothing uses
// any more.
func (s *Service) dropUnused(ctx context.Context, c Config) {
	shas := []string{c.CodeSha256}
	for _, l := range c.Layers {
		shas = append(shas, l.CodeSha256)
	}
	for _, sha := range shas {
		if sha == "" || s.shaInUse(ctx, sha) {
			continue
		}
		_ = s.st.Delete(ctx, kindCode, shaKey(sha))
		_ = os.RemoveAll(s.shaDir(sha))
	}
}

// Reconfigure stores new settings of a function with its current code
// (UpdateFunctionConfiguration), handing the new configuration to the
// runtime.
func (s *Service) Reconfigure(ctx context.Context, c Config) (Config, error) {
	zipped, err := s.st.Get(ctx, kindCode, codeKey(c))
	if err != nil {
		return c, fmt.Errorf("function %s: code %s: %w", c.Name, codeKey(c), err)
	}
	return s.Put(ctx, c, zipped)
}
