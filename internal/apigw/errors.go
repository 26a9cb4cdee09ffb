package apigw

import "github.com/iamgate/iamgate/internal/awserr"

// Control-plane error texts, as API Gateway words them. The account id
// prefix of the API one is AWS's: "Invalid API identifier specified
// 123456789012:abc123" (seen in aws-sdk-js issue 2458, cloud-nuke issue 362).
func errAPINotFound(account, id string) error {
	return awserr.New(awserr.NotFoundException, "Invalid API identifier specified %s:%s", account, id)
}

func errStageNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid stage identifier specified")
}

func errDeploymentNotFound() error {
	return awserr.New(awserr.NotFoundException, "Invalid Deployment identifier specified")
}

func errStageExists() error {
	return awserr.New(awserr.ConflictException, "Stage already exists")
}

func errDeploymentInUse() error {
	return awserr.New(awserr.BadRequestException, "Active stages pointing to this deployment must be moved or deleted")
}

func errNoMethods() error {
	return awserr.New(awserr.BadRequestException, "The REST API doesn't contain any methods")
}
