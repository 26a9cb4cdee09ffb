package httpapi

import "github.com/iamgate/iamgate/internal/awserr"

// Control-plane error texts. API Gateway v2 words a missing API as the
// REST control plane does, with the account id prefix.
func errAPINotFound(account, id string) error {
	return awserr.New(awserr.NotFoundException, "Invalid API identifier specified %s:%s", account, id)
}

func errNotFound(what, id string) error {
	return awserr.New(awserr.NotFoundException, "Invalid %s identifier specified %s", what, id)
}

func errStageExists(name string) error {
	return awserr.New(awserr.ConflictException, "Stage %s already exists", name)
}

func errRouteExists(key string) error {
	return awserr.New(awserr.ConflictException, "Route with key %s already exists for this API", key)
}

func errNoRoutes() error {
	return awserr.New(awserr.BadRequestException, "Unable to deploy API because no routes exist in this API")
}

func errDeploymentInUse() error {
	return awserr.New(awserr.BadRequestException, "Active stages pointing to this deployment must be moved or deleted")
}
