package iam

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iamgate/iamgate/internal/awserr"
)

func TestAccessKeys(t *testing.T) {
	f := newFixture(t, "")
	mkUser(t, f, "Alice")
	mkUser(t, f, "bob")
	k1, err := f.svc.CreateAccessKey(ctx, "alice")
	must(t, err)
	f.clock.now = t0.Add(time.Second)
	k2, err := f.svc.CreateAccessKey(ctx, "ALICE")
	must(t, err)
	for _, k := range []AccessKey{k1, k2} {
		if !keyIDRE.MatchString(k.AccessKeyID) || !secretRE.MatchString(k.Secret.Reveal()) {
			t.Fatalf("key %s / secret of %d chars: not AWS-shaped", k.AccessKeyID, len(k.Secret.Reveal()))
		}
		if k.UserName != "Alice" || k.Status != StatusActive {
			t.Fatalf("key %+v: want user Alice, Active", k)
		}
	}
	bobKey, err := f.svc.CreateAccessKey(ctx, "bob")
	must(t, err)

	t.Run("third key is over quota", func(t *testing.T) {
		_, err := f.svc.CreateAccessKey(ctx, "alice")
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
		wantErr(t, err, awserr.LimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")
	})
	t.Run("list", func(t *testing.T) {
		got, err := f.svc.ListAccessKeys(ctx, "alice")
		must(t, err)
		want := []AccessKeyMeta{
			{AccessKeyID: k1.AccessKeyID, UserName: "Alice", Status: StatusActive, Created: t0},
			{AccessKeyID: k2.AccessKeyID, UserName: "Alice", Status: StatusActive, Created: t0.Add(time.Second)},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ListAccessKeys (-want +got):\n%s", diff)
		}
	})
	t.Run("lookup", func(t *testing.T) {
		info, ok, err := f.svc.LookupKey(ctx, k1.AccessKeyID)
		must(t, err)
		want := KeyInfo{AccessKeyID: k1.AccessKeyID, Secret: k1.Secret.Reveal(), Active: true}
		if !ok || info != want {
			t.Fatalf("LookupKey = %+v, %v; want %+v", info, ok, want)
		}
		if _, ok, err := f.svc.LookupKey(ctx, "AKIANOSUCHKEY0000000"); ok || err != nil {
			t.Fatalf("LookupKey(unknown) = %v, %v; want false, nil", ok, err)
		}
	})

	errTests := []struct {
		name string
		op   func() error
		code awserr.Code
		msg  string
	}{
		{"update bad status", func() error { return f.svc.UpdateAccessKey(ctx, "alice", k1.AccessKeyID, "Disabled") },
			awserr.ValidationError, "1 validation error detected: Value 'Disabled' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]"},
		{"update other user's key", func() error { return f.svc.UpdateAccessKey(ctx, "alice", bobKey.AccessKeyID, StatusInactive) },
			awserr.NoSuchEntity, "The Access Key with id " + bobKey.AccessKeyID + " cannot be found."},
		{"update missing user", func() error { return f.svc.UpdateAccessKey(ctx, "carol", k1.AccessKeyID, StatusInactive) },
			awserr.NoSuchEntity, "The user with name carol cannot be found."},
		{"delete unknown key", func() error { return f.svc.DeleteAccessKey(ctx, "alice", "AKIAUNKNOWN000000000") },
			awserr.NoSuchEntity, "The Access Key with id AKIAUNKNOWN000000000 cannot be found."},
		{"list missing user", func() error { _, err := f.svc.ListAccessKeys(ctx, "carol"); return err },
			awserr.NoSuchEntity, "The user with name carol cannot be found."},
		{"create for missing user", func() error { _, err := f.svc.CreateAccessKey(ctx, "carol"); return err },
			awserr.NoSuchEntity, "The user with name carol cannot be found."},
	}
	for _, tc := range errTests {
		t.Run(tc.name, func(t *testing.T) { wantErr(t, tc.op(), tc.code, tc.msg) })
	}

	t.Run("deactivate then delete", func(t *testing.T) {
		must(t, f.svc.UpdateAccessKey(ctx, "alice", k1.AccessKeyID, StatusInactive))
		info, ok, err := f.svc.LookupKey(ctx, k1.AccessKeyID)
		must(t, err)
		if !ok || info.Active {
			t.Fatalf("LookupKey after deactivation = %+v, %v; want inactive", info, ok)
		}
		must(t, f.svc.DeleteAccessKey(ctx, "alice", k1.AccessKeyID))
		if _, ok, _ := f.svc.LookupKey(ctx, k1.AccessKeyID); ok {
			t.Fatal("deleted key still found")
		}
		if _, err := f.svc.CreateAccessKey(ctx, "alice"); err != nil {
			t.Fatalf("a key slot should be free again: %v", err)
		}
	})
}

// Two requests racing for the last key slot: the quota holds because the
// count and the insert share one transaction.
func TestCreateAccessKeyConcurrentQuota(t *testing.T) {
	f := newFixture(t, "")
	mkUser(t, f, "u")
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.CreateAccessKey(ctx, "u")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case !awserr.Is(err, awserr.LimitExceeded):
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 2 {
		t.Fatalf("%d keys created, want 2", ok)
	}
}

func TestRootKey(t *testing.T) {
	f := newFixture(t, "")
	k, err := f.svc.EnsureRootKey(ctx)
	must(t, err)
	if !keyIDRE.MatchString(k.AccessKeyID) || !secretRE.MatchString(k.Secret.Reveal()) || k.UserName != "" {
		t.Fatalf("root key %+v not AWS-shaped", k)
	}
	again, err := f.svc.EnsureRootKey(ctx)
	must(t, err)
	if again.AccessKeyID != k.AccessKeyID || again.Secret != k.Secret {
		t.Fatal("EnsureRootKey created a second key")
	}
	p, err := f.svc.Principal(ctx, k.AccessKeyID)
	must(t, err)
	want := Principal{ARN: "arn:aws:iam::" + acct + ":root", AccountID: acct, Type: TypeRoot, UserID: acct, Tags: map[string]string{}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("root Principal (-want +got):\n%s", diff)
	}
}

// dbBytes returns the sqlite file and its WAL, where a leak would show.
func dbBytes(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	for _, name := range []string{"store.db", "store.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func TestSecretsAreSealedAtRest(t *testing.T) {
	f := newFixture(t, "")
	mkUser(t, f, "u")
	key, err := f.svc.CreateAccessKey(ctx, "u")
	must(t, err)
	root, err := f.svc.EnsureRootKey(ctx)
	must(t, err)
	_, err = f.svc.CreateRole(ctx, "r", "", trustLambda, "", 0, "")
	must(t, err)
	sess, err := f.svc.CreateSession(ctx, "arn:aws:iam::"+acct+":role/r", "s1", 0, "")
	must(t, err)
	raw := dbBytes(t, f.dir)
	if !bytes.Contains(raw, []byte(key.AccessKeyID)) {
		t.Fatal("key id not found in the db bytes: the check below would prove nothing")
	}
	for name, secret := range map[string]string{
		"user secret": key.Secret.Reveal(), "root secret": root.Secret.Reveal(),
		"session secret": sess.Secret.Reveal(), "session token": sess.SessionToken.Reveal(),
	} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("%s is stored in plaintext", name)
		}
	}
}

func TestReopenKeepsUsersAndKeys(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, dir)
	mkUser(t, f, "u")
	must(t, f.svc.PutUserPolicy(ctx, "u", "p", allowAll))
	key, err := f.svc.CreateAccessKey(ctx, "u")
	must(t, err)
	must(t, f.st.Close())

	f2 := newFixture(t, dir)
	info, ok, err := f2.svc.LookupKey(ctx, key.AccessKeyID)
	must(t, err)
	if !ok || info.Secret != key.Secret.Reveal() {
		t.Fatal("key or its secret lost across reopen")
	}
	p, err := f2.svc.Principal(ctx, key.AccessKeyID)
	must(t, err)
	if p.Username != "u" || len(p.Identity) != 1 {
		t.Fatalf("Principal after reopen = %+v", p)
	}
}

func TestKeyInfoLogValueRedacts(t *testing.T) {
	k := KeyInfo{AccessKeyID: "AKIAEXAMPLE", Secret: "s3cr3t-value", SessionToken: "t0k3n-value"}
	out := k.LogValue().String()
	if strings.Contains(out, "s3cr3t") || strings.Contains(out, "t0k3n") || !strings.Contains(out, "AKIAEXAMPLE") {
		t.Fatalf("LogValue = %s", out)
	}
}
