package gosmb

import (
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/gosmb/gosmb/future"
	"github.com/gosmb/gosmb/ops"
)

// treeCache keeps one tree connection per share; concurrent first uses of a
// share share one TREE_CONNECT.
type treeCache struct {
	l     *link
	group singleflight.Group
	mu    sync.Mutex // guards trees
	trees map[string]*ops.Share
}

func (tc *treeCache) init(l *link) {
	tc.l = l
	tc.trees = make(map[string]*ops.Share)
}

func (tc *treeCache) get(ctx context.Context, share string) (*ops.Share, error) {
	key := strings.ToLower(share)
	tc.mu.Lock()
	t := tc.trees[key]
	tc.mu.Unlock()
	if t != nil {
		return t, nil
	}
	// Concurrent first uses share one TREE_CONNECT; it must not fail for
	// all of them because the first caller's context ended, so it runs
	// detached (bounded) and each caller waits with its own context.
	ch := tc.group.DoChan(key, func() (any, error) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		path := `\\` + tc.l.c.host + `\` + share
		t, err := tc.l.sess.TreeConnect(cctx, path)
		if err != nil {
			return nil, err
		}
		s := ops.NewShare(t, tc.l.c.opts.Transfer, tc.l.budget)
		tc.mu.Lock()
		tc.trees[key] = s
		tc.mu.Unlock()
		return s, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*ops.Share), nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// evict drops s from the cache if it is still the share's entry, so the
// next use connects the share again (after the server deleted the tree).
func (tc *treeCache) evict(share string, s *ops.Share) {
	key := strings.ToLower(share)
	tc.mu.Lock()
	if tc.trees[key] == s {
		delete(tc.trees, key)
	}
	tc.mu.Unlock()
}

// Share describes a connected share.
type Share struct {
	Name          string
	Type          uint8 // 1 disk, 2 pipe, 3 printer
	Flags         uint32
	MaximalAccess uint32
	Encrypted     bool
}

// ConnectShare connects to share (tree connect), or returns the existing
// connection to it. Operations connect to their share on first use, so
// calling this is only needed to check access up front.
func (c *Client) ConnectShare(ctx context.Context, share string) *future.Future[Share] {
	return goOp(c, ctx, func(ctx context.Context) (Share, error) {
		s, err := c.pick().trees.get(ctx, share)
		if err != nil {
			return Share{}, err
		}
		t := s.Tree
		return Share{Name: share, Type: t.ShareType, Flags: t.ShareFlags, MaximalAccess: t.MaximalAccess, Encrypted: t.Encrypted()}, nil
	})
}
