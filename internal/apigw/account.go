package apigw

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

const kindAccount = "apigw/account" // key: "account"; one per region's account

// Account is API Gateway's per-account settings
// (https://docs.aws.amazon.com/apigateway/latest/api/API_Account.html):
// the role API Gateway writes CloudWatch logs as, and the account's
// default throttle, which API Gateway sets and callers only read.
type Account struct {
	CloudwatchRoleARN string   `json:"cloudwatchRoleArn,omitempty"`
	ThrottleBurst     int      `json:"burstLimit"`
	ThrottleRate      float64  `json:"rateLimit"`
	Features          []string `json:"features,omitempty"`
	APIKeyVersion     string   `json:"apiKeyVersion"`
}

// The account-level throttle API Gateway applies by default
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
const (
	accountBurstLimit = 5000
	accountRateLimit  = 10000
)

// GetAccount returns the account's settings.
func (s *Service) GetAccount(ctx context.Context) (Account, error) {
	a := Account{ThrottleBurst: accountBurstLimit, ThrottleRate: accountRateLimit, Features: []string{"UsagePlans"}, APIKeyVersion: "4"}
	b, err := s.st.Get(ctx, kindAccount, "account")
	if errors.Is(err, store.ErrNotFound) {
		return a, nil
	}
	if err != nil {
		return Account{}, fmt.Errorf("apigw: get account: %w", err)
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return Account{}, fmt.Errorf("apigw: decode account: %w", err)
	}
	return a, nil
}

// SetCloudwatchRole sets (or with "" clears) the account's CloudWatch role.
func (s *Service) SetCloudwatchRole(ctx context.Context, roleARN string) (Account, error) {
	a, err := s.GetAccount(ctx)
	if err != nil {
		return Account{}, err
	}
	a.CloudwatchRoleARN = roleARN
	if err := record.Put(ctx, s.st, kindAccount, "account", &a); err != nil {
		return Account{}, fmt.Errorf("apigw: put account: %w", err)
	}
	return a, nil
}
