package stack

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Stack and change set records hold parameter values, NoEcho ones included
// (CloudFormation keeps them to redeploy, and shows them as "****"), and the
// resolved properties that use them. They are sealed at rest like access
// key secrets (package seal), bound to their kind and key, so that no
// secret sits in clear in the store. A store written before sealing still
// reads.

// Sealer seals records at rest; *seal.Sealer satisfies it.
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// sealedPrefix marks a sealed record; plain records are JSON objects.
var sealedPrefix = []byte("sealed:")

func (e *Engine) encode(kind, key string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || e.sealer == nil {
		return b, err
	}
	sealed, err := e.sealer.Seal(b, []byte(kind+"\x00"+key))
	if err != nil {
		return nil, err
	}
	return append(append([]byte(nil), sealedPrefix...), sealed...), nil
}

func (e *Engine) decode(kind, key string, b []byte, v any) error {
	if rest, ok := bytes.CutPrefix(b, sealedPrefix); ok {
		if e.sealer == nil {
			return errors.New("stack: sealed record and no sealer configured")
		}
		plain, err := e.sealer.Open(rest, []byte(kind+"\x00"+key))
		if err != nil {
			return err
		}
		b = plain
	}
	return json.Unmarshal(b, v)
}
