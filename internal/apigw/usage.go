package apigw

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
)

// Usage plan enforcement: a key's requests are throttled by its plan's
// rate and burst (a token bucket per plan and key, in this process, on the
// injected clock) and counted against its quota per DAY, WEEK or MONTH (in
// the store, so every replica sees one count), as
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html
// describes.

const kindUsage = "apigw/usage" // key: plan/key/day (YYYY-MM-DD) or plan/key/period/START; value: count

// Throttle is a usage plan's steady rate (requests per second) and burst.
type Throttle struct {
	BurstLimit int
	RateLimit  float64
}

// Quota is a usage plan's request budget per period (DAY, WEEK, MONTH),
// the period starting Offset days in (WEEK: 0 is Sunday).
type Quota struct {
	Limit  int
	Offset int
	Period string
}

// ThrottleSettings reads the plan's throttle (CloudFormation's BurstLimit
// and RateLimit keys, or the API's burstLimit and rateLimit).
func (p UsagePlan) ThrottleSettings() (Throttle, bool) {
	if len(p.Throttle) == 0 {
		return Throttle{}, false
	}
	return Throttle{BurstLimit: int(numberAt(p.Throttle, "BurstLimit")), RateLimit: numberAt(p.Throttle, "RateLimit")}, true
}

// QuotaSettings reads the plan's quota.
func (p UsagePlan) QuotaSettings() (Quota, bool) {
	if len(p.Quota) == 0 {
		return Quota{}, false
	}
	period, _ := valueAt(p.Quota, "Period").(string)
	return Quota{Limit: int(numberAt(p.Quota, "Limit")), Offset: int(numberAt(p.Quota, "Offset")), Period: strings.ToUpper(period)}, true
}

// valueAt reads key in its CloudFormation (BurstLimit) or API (burstLimit) spelling.
func valueAt(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	return m[strings.ToLower(key[:1])+key[1:]]
}

func numberAt(m map[string]any, key string) float64 {
	switch v := valueAt(m, key).(type) {
	case float64:
		return v
	case int:
		return float64(v)
	case string:
		f, _ := strconv.ParseFloat(v, 64)
		return f
	case json.Number:
		f, _ := v.Float64()
		return f
	}
	return 0
}

// Admission is what a usage plan says of one more request of a key.
type Admission int

const (
	Admitted      Admission = iota
	Throttled               // 429 Too Many Requests
	QuotaExceeded           // 429 Limit Exceeded
)

// Limiter holds token buckets by key (usage plan and API key, or stage
// and method), in this process; the zero value is ready.
type Limiter struct {
	mu sync.Mutex
	m  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

const maxBuckets = 1 << 16

// Take spends one token of the bucket at key, refilled at rate per second
// up to burst since its last use; false when none is left.
func (b *Limiter) Take(key string, t Throttle, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil || len(b.m) >= maxBuckets {
		b.m = map[string]*bucket{}
	}
	k, ok := b.m[key]
	if !ok {
		k = &bucket{tokens: float64(t.BurstLimit), at: now}
		b.m[key] = k
	}
	if d := now.Sub(k.at).Seconds(); d > 0 {
		k.tokens = math.Min(float64(t.BurstLimit), k.tokens+d*t.RateLimit)
		k.at = now
	}
	if k.tokens < 1 {
		return false
	}
	k.tokens--
	return true
}

// Admit decides one request of key keyID to apiID's stage: the plan
// covering the stage throttles it, then counts it against its quota.
func (s *Service) Admit(ctx context.Context, apiID, stage, keyID string) (Admission, error) {
	plan, err := s.planOf(ctx, apiID, stage, keyID)
	if err != nil || plan == nil {
		return Admitted, err
	}
	now := s.now()
	if t, ok := plan.ThrottleSettings(); ok && (t.BurstLimit > 0 || t.RateLimit > 0) {
		if !s.buckets.Take(plan.ID+"/"+keyID, t, now) {
			return Throttled, nil
		}
	}
	q, hasQuota := plan.QuotaSettings()
	admitted := true
	err = s.st.Update(ctx, func(tx store.Tx) error {
		prefix := plan.ID + "/" + keyID + "/"
		periodKey := prefix + "period/" + periodStart(q, now).Format(time.DateOnly)
		used, err := readCount(ctx, tx, periodKey)
		if err != nil {
			return err
		}
		if hasQuota && q.Limit > 0 && used >= q.Limit {
			admitted = false
			return nil
		}
		day := prefix + now.Format(time.DateOnly)
		n, err := readCount(ctx, tx, day)
		if err != nil {
			return err
		}
		if err := tx.Put(ctx, kindUsage, day, []byte(strconv.Itoa(n+1))); err != nil {
			return err
		}
		return tx.Put(ctx, kindUsage, periodKey, []byte(strconv.Itoa(used+1)))
	})
	if err != nil {
		return Admitted, fmt.Errorf("apigw: usage: %w", err)
	}
	if !admitted {
		return QuotaExceeded, nil
	}
	return Admitted, nil
}

func readCount(ctx context.Context, r store.Reader, key string) (int, error) {
	b, err := r.Get(ctx, kindUsage, key)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(string(b))
}

// periodStart is the first day of the quota period holding now (UTC).
func periodStart(q Quota, now time.Time) time.Time {
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch q.Period {
	case "WEEK":
		back := (int(day.Weekday()) - q.Offset%7 + 7) % 7
		return day.AddDate(0, 0, -back)
	case "MONTH":
		start := time.Date(day.Year(), day.Month(), 1+q.Offset, 0, 0, 0, 0, time.UTC)
		if start.After(day) {
			start = start.AddDate(0, -1, 0)
		}
		return start
	}
	return day
}

// planOf is the usage plan covering apiID's stage that holds keyID.
func (s *Service) planOf(ctx context.Context, apiID, stage, keyID string) (*UsagePlan, error) {
	plans, err := s.GetUsagePlans(ctx)
	if err != nil {
		return nil, err
	}
	for i := range plans {
		if !coversStage(plans[i], apiID, stage) {
			continue
		}
		_, err := s.st.Get(ctx, kindUsagePlanKey, plans[i].ID+"/"+keyID)
		if err == nil {
			return &plans[i], nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("apigw: usage plan key: %w", err)
		}
	}
	return nil, nil
}

// Usage is GetUsage's answer: for each key, one [used, remaining] pair
// per day from StartDate to EndDate.
type Usage struct {
	UsagePlanID string
	StartDate   string
	EndDate     string
	Items       map[string][][2]int
}

// GetUsage reports a plan's daily usage between two dates (YYYY-MM-DD),
// for one key or all of the plan's.
func (s *Service) GetUsage(ctx context.Context, planID, keyID, startDate, endDate string) (Usage, error) {
	plan, err := s.getPlan(ctx, s.st, planID)
	if err != nil {
		return Usage{}, err
	}
	start, err1 := time.Parse(time.DateOnly, startDate)
	end, err2 := time.Parse(time.DateOnly, endDate)
	if err1 != nil || err2 != nil || end.Before(start) {
		return Usage{}, awserr.New(awserr.BadRequestException, "Invalid date range: the start date must be before the end date, both in YYYY-MM-DD format")
	}
	if end.Sub(start) > 90*24*time.Hour {
		return Usage{}, awserr.New(awserr.BadRequestException, "The usage data period cannot exceed 90 days")
	}
	keys, err := s.GetUsagePlanKeys(ctx, planID)
	if err != nil {
		return Usage{}, err
	}
	q, hasQuota := plan.QuotaSettings()
	out := Usage{UsagePlanID: planID, StartDate: startDate, EndDate: endDate, Items: map[string][][2]int{}}
	for _, k := range keys {
		if keyID != "" && k.ID != keyID {
			continue
		}
		var days [][2]int
		for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
			used, err := readCount(ctx, s.st, planID+"/"+k.ID+"/"+d.Format(time.DateOnly))
			if err != nil {
				return Usage{}, err
			}
			remaining := 0
			if hasQuota {
				inPeriod, err := s.usedThrough(ctx, planID, k.ID, q, d)
				if err != nil {
					return Usage{}, err
				}
				remaining = max(q.Limit-inPeriod, 0)
			}
			days = append(days, [2]int{used, remaining})
		}
		out.Items[k.ID] = days
	}
	return out, nil
}

// usedThrough sums a key's requests from its quota period's start to day.
func (s *Service) usedThrough(ctx context.Context, planID, keyID string, q Quota, day time.Time) (int, error) {
	total := 0
	for d := periodStart(q, day); !d.After(day); d = d.AddDate(0, 0, 1) {
		n, err := readCount(ctx, s.st, planID+"/"+keyID+"/"+d.Format(time.DateOnly))
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// GetUsagePlan returns one plan.
func (s *Service) GetUsagePlan(ctx context.Context, id string) (UsagePlan, error) {
	p, err := s.getPlan(ctx, s.st, id)
	if err != nil {
		return UsagePlan{}, err
	}
	return *p, nil
}

// GetUsagePlanKeys returns a plan's keys, by key id.
func (s *Service) GetUsagePlanKeys(ctx context.Context, planID string) ([]UsagePlanKey, error) {
	if _, err := s.getPlan(ctx, s.st, planID); err != nil {
		return nil, err
	}
	items, err := s.st.List(ctx, kindUsagePlanKey, planID+"/")
	if err != nil {
		return nil, fmt.Errorf("apigw: list usage plan keys: %w", err)
	}
	out := make([]UsagePlanKey, 0, len(items))
	for _, it := range items {
		id := strings.TrimPrefix(it.Key, planID+"/")
		k, err := s.getKey(ctx, s.st, id)
		if awserr.Is(err, awserr.NotFoundException) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, UsagePlanKey{ID: k.ID, Type: string(it.Value), Name: k.Name})
	}
	return out, nil
}
