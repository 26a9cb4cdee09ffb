package iampolicy

// ParseError is a document IAM refuses. Message is IAM's wording for the
// MalformedPolicyDocument error, which callers send as is.
type ParseError struct {
	Message string
}

func (e *ParseError) Error() string { return e.Message }

// Code is the AWS error code IAM uses for every refused document.
func (e *ParseError) Code() string { return "MalformedPolicyDocument" }

// IAM's MalformedPolicyDocument wordings. Sources: IAM API answers recorded in
// public issue threads (hashicorp/terraform-provider-aws#10419 for the principal
// message, 99designs/iamy#74 for the syntax message) and the validator that
// getmoto/moto built by probing IAM (moto/iam/policy_validation.py).
const (
	msgSyntax            = "Syntax errors in policy."
	msgVersion           = "Policy document must be version 2012-10-17 or greater."
	msgLegacy            = "The policy failed legacy parsing"
	msgSidUnique         = "Statement IDs (SID) in a single policy must be unique."
	msgSidAlnum          = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
	msgNeedActions       = "Policy statement must contain actions."
	msgNeedResources     = "Policy statement must contain resources."
	msgNoPrincipal       = "Policy document should not specify a principal."
	msgNeedPrincipal     = "Missing required field Principal"
	msgTrustResource     = "Has prohibited field Resource"
	msgTrustAction       = "AssumeRole policy may only specify STS AssumeRole actions."
	msgVendorPreface     = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon          = "Actions/Condition can contain only one colon."
	msgResourceVendor    = "Resource vendor must be fully qualified and cannot contain regexes."
	msgResourceIAMPath   = `IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.`
	msgResourceARNFormat = `Resource %s must be in ARN format or "*".`
	msgPartition         = `Partition "%s" is not valid for resource "%s".`
	msgIAMRegion         = "IAM resource %s cannot contain region information."
	msgS3Region          = "Resource %s can not contain region information."
	msgVendorInvalid     = "Vendor %s is not valid"
	msgInvalidPrincipal  = "Invalid principal in policy: %s"
)
