package postgres

import (
	"context"
	"errors"
	"sync"

	"github.com/jackc/pgx/v5"
)

// pool is a minimal bounded pool of pgx connections: idle connections wait
// in a channel; slots bounds how many exist at once.
type pool struct {
	cfg   *pgx.ConnConfig
	idle  chan *pgx.Conn
	slots chan struct{}

	mu     sync.Mutex
	closed bool
}

var errClosed = errors.New("postgres: store is closed")

func newPool(cfg *pgx.ConnConfig, size int) *pool {
	return &pool{cfg: cfg, idle: make(chan *pgx.Conn, size), slots: make(chan struct{}, size)}
}

// acquire returns an idle connection or dials a new one when a slot is free.
func (p *pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	for {
		if p.isClosed() {
			return nil, errClosed
		}
		select {
		case c := <-p.idle:
			if !c.IsClosed() {
				return c, nil
			}
			<-p.slots // a dead connection frees its slot
		case p.slots <- struct{}{}:
			c, err := pgx.ConnectConfig(ctx, p.cfg)
			if err != nil {
				<-p.slots
				return nil, err
			}
			return c, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// release returns c to the pool; broken connections (or any after Close)
// are closed and their slot freed.
func (p *pool) release(c *pgx.Conn, broken bool) {
	if broken || c.IsClosed() || p.isClosed() {
		c.Close(context.Background())
		<-p.slots
		return
	}
	p.idle <- c
}

func (p *pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// close closes idle connections; busy ones are closed on release.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	for {
		select {
		case c := <-p.idle:
			c.Close(context.Background())
			<-p.slots
		default:
			return
		}
	}
}
