package cognito

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/iamgate/iamgate/internal/awserr"
	"github.com/iamgate/iamgate/internal/store"
	"github.com/iamgate/iamgate/internal/store/record"
)

// Group is a group of a pool. Its members are listed on each user
// (User.Groups), which is what the tokens' cognito:groups claim reads.
type Group struct {
	PoolID           string    `json:"poolId"`
	Name             string    `json:"name"`
	Description      string    `json:"description,omitempty"`
	RoleARN          string    `json:"roleArn,omitempty"`
	Precedence       *int      `json:"precedence,omitempty"`
	CreationDate     time.Time `json:"creationDate"`
	LastModifiedDate time.Time `json:"lastModifiedDate"`
}

// CreateGroup creates a group.
func (s *Service) CreateGroup(ctx context.Context, g Group) (Group, error) {
	if err := Check(PoolIDField(g.PoolID), GroupNameField(g.Name)); err != nil {
		return Group{}, err
	}
	if g.Precedence != nil && *g.Precedence < 0 {
		return Group{}, awserr.New(InvalidParameter, "1 validation error detected: Value '%d' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0", *g.Precedence)
	}
	g.CreationDate = s.o.Now().UTC()
	g.LastModifiedDate = g.CreationDate
	err := s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.pool(ctx, tx, g.PoolID); err != nil {
			return err
		}
		err := record.Create(ctx, tx, kindGroup, g.PoolID+"/"+g.Name, g)
		if isConflict(err) {
			return awserr.New(GroupExists, "A group with the name already exists.")
		}
		return err
	})
	return g, err
}

// Group returns a group.
func (s *Service) Group(ctx context.Context, poolID, name string) (Group, error) {
	if err := Check(PoolIDField(poolID), GroupNameField(name)); err != nil {
		return Group{}, err
	}
	if _, err := s.pool(ctx, s.st, poolID); err != nil {
		return Group{}, err
	}
	return s.group(ctx, s.st, poolID, name)
}

func (s *Service) group(ctx context.Context, r store.Reader, poolID, name string) (Group, error) {
	g, err := get[Group](ctx, r, kindGroup, poolID+"/"+name)
	if notFound(err) {
		return Group{}, awserr.New(ResourceNotFound, "Group not found.")
	}
	return g, err
}

// Groups returns a pool's groups, by name.
func (s *Service) Groups(ctx context.Context, poolID string) ([]Group, error) {
	if _, err := s.Pool(ctx, poolID); err != nil {
		return nil, err
	}
	return record.List[Group](ctx, s.st, kindGroup, poolID+"/")
}

// DeleteGroup deletes a group and removes it from its members.
func (s *Service) DeleteGroup(ctx context.Context, poolID, name string) error {
	if err := Check(PoolIDField(poolID), GroupNameField(name)); err != nil {
		return err
	}
	return s.st.Update(ctx, func(tx store.Tx) error {
		if _, err := s.pool(ctx, tx, poolID); err != nil {
			return err
		}
		if _, err := s.group(ctx, tx, poolID, name); err != nil {
			return err
		}
		items, err := tx.List(ctx, kindUser, poolID+"/")
		if err != nil {
			return err
		}
		for _, it := range items {
			var u User
			if err := json.Unmarshal(it.Value, &u); err != nil {
				return err
			}
			if i := slices.Index(u.Groups, name); i >= 0 {
				u.Groups = slices.Delete(u.Groups, i, i+1)
				if err := record.Put(ctx, tx, kindUser, it.Key, u); err != nil {
					return err
				}
			}
		}
		return tx.Delete(ctx, kindGroup, poolID+"/"+name)
	})
}

// AdminAddUserToGroup adds a user to a group (a no-op when a member).
func (s *Service) AdminAddUserToGroup(ctx context.Context, poolID, username, group string) error {
	if err := Check(PoolIDField(poolID), UsernameField(username), GroupNameField(group)); err != nil {
		return err
	}
	return s.updateUser(ctx, poolID, username, func(p Pool, u *User) error {
		if _, err := s.group(ctx, s.st, p.ID, group); err != nil {
			return err
		}
		if !slices.Contains(u.Groups, group) {
			u.Groups = append(u.Groups, group)
		}
		return nil
	})
}

// AdminRemoveUserFromGroup removes a user from a group.
func (s *Service) AdminRemoveUserFromGroup(ctx context.Context, poolID, username, group string) error {
	if err := Check(PoolIDField(poolID), UsernameField(username), GroupNameField(group)); err != nil {
		return err
	}
	return s.updateUser(ctx, poolID, username, func(p Pool, u *User) error {
		if _, err := s.group(ctx, s.st, p.ID, group); err != nil {
			return err
		}
		if i := slices.Index(u.Groups, group); i >= 0 {
			u.Groups = slices.Delete(u.Groups, i, i+1)
		}
		return nil
	})
}

// tokenGroups orders a user's groups for cognito:groups: by precedence
// (lowest first), then by name.
func (s *Service) tokenGroups(ctx context.Context, u User) []string {
	if len(u.Groups) == 0 {
		return nil
	}
	type ranked struct {
		name string
		prec int
	}
	rs := make([]ranked, 0, len(u.Groups))
	for _, name := range u.Groups {
		r := ranked{name: name, prec: int(^uint(0) >> 1)}
		if g, err := s.group(ctx, s.st, u.PoolID, name); err == nil && g.Precedence != nil {
			r.prec = *g.Precedence
		}
		rs = append(rs, r)
	}
	slices.SortStableFunc(rs, func(a, b ranked) int {
		if a.prec != b.prec {
			return a.prec - b.prec
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.name
	}
	return out
}

// Filter is a ListUsers filter: `attribute = "value"` or
// `attribute ^= "prefix"`.
type Filter struct {
	Attribute, Value string
	Prefix           bool
}

// filterable are the attributes ListUsers searches
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html).
var filterable = map[string]bool{"username": true, "email": true, "phone_number": true, "name": true, "given_name": true,
	"family_name": true, "preferred_username": true, "cognito:user_status": true, "status": true, "sub": true}

// ParseFilter reads a ListUsers Filter string.
func ParseFilter(s string) (Filter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Filter{}, nil
	}
	bad := awserr.New(InvalidParameter, "Error while parsing filter.")
	i := strings.IndexAny(s, "=^")
	if i <= 0 {
		return Filter{}, bad
	}
	f := Filter{Attribute: strings.TrimSpace(s[:i])}
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "^="):
		f.Prefix, rest = true, rest[2:]
	case strings.HasPrefix(rest, "="):
		rest = rest[1:]
	default:
		return Filter{}, bad
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
		return Filter{}, bad
	}
	f.Value = rest[1 : len(rest)-1]
	if strings.Contains(f.Value, `"`) {
		return Filter{}, bad
	}
	if !filterable[f.Attribute] {
		return Filter{}, awserr.New(InvalidParameter, "Invalid search attribute: %s", f.Attribute)
	}
	return f, nil
}

// Match reports whether u passes the filter.
func (f Filter) Match(u User) bool {
	if f.Attribute == "" {
		return true
	}
	var v string
	switch f.Attribute {
	case "username":
		v = u.Username
	case "cognito:user_status", "status":
		v = u.Status
		if f.Attribute == "status" {
			v = map[bool]string{true: "Enabled", false: "Disabled"}[u.Enabled]
		}
	default:
		v = u.Attribute(f.Attribute)
	}
	if f.Prefix {
		return strings.HasPrefix(v, f.Value)
	}
	return v == f.Value
}

// UpdateGroup changes a group's description, role and precedence.
func (s *Service) UpdateGroup(ctx context.Context, g Group) (Group, error) {
	if err := Check(PoolIDField(g.PoolID), GroupNameField(g.Name)); err != nil {
		return Group{}, err
	}
	var out Group
	err := s.st.Update(ctx, func(tx store.Tx) error {
		prev, err := s.group(ctx, tx, g.PoolID, g.Name)
		if err != nil {
			return err
		}
		prev.Description, prev.RoleARN, prev.Precedence = g.Description, g.RoleARN, g.Precedence
		prev.LastModifiedDate = s.o.Now().UTC()
		out = prev
		return record.Put(ctx, tx, kindGroup, g.PoolID+"/"+g.Name, prev)
	})
	return out, err
}
