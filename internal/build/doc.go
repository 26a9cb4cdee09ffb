// Package build turns a SAM template's local function and layer code into
// built artifacts, as `sam build` does: each function's CodeUri copied to
// {build dir}/{LogicalId} with its dependencies installed (pip for Python
// requirements.txt, npm for Node.js package.json), Metadata BuildMethod
// makefile run as `make build-{LogicalId}` with ARTIFACTS_DIR, go1.x
// built to a bootstrap binary; layers (AWS::Serverless::LayerVersion with
// a BuildMethod) installed under python/ or nodejs/ as Lambda's /opt
// expects. It reports the template edits that point each CodeUri and
// ContentUri at its built folder; the caller writes the built template.
//
// Follows https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-cli-command-reference-sam-build.html
// and .../building-custom-runtimes.html (makefile builds).
package build
