package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/schema"
	"skillcert/schema/db"
)

// newPasswordVar names the variable that carries the password for `gateway set-password`, so that it never
// appears in the process list or the shell history.
const newPasswordVar = "SKILLCERT_NEW_PASSWORD"

// setPassword is the one-off command `gateway set-password USERNAME`: it sets the password of an existing
// account to the value of SKILLCERT_NEW_PASSWORD and revokes every token of that account. Starting the
// gateway never changes a password; this command is the only way to do it from the environment.
func setPassword(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) != 1 || args[0] == "" {
		return fmt.Errorf("usage: %s=<password> gateway set-password <username or phone>", newPasswordVar)
	}
	login, password := args[0], getenv(newPasswordVar)
	if password == "" {
		return fmt.Errorf("set-password: %s is unset", newPasswordVar)
	}
	if err := skillcert.CheckPassword(password); err != nil {
		return fmt.Errorf("set-password: %s: %w", newPasswordVar, err)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	poolCfg, err := poolConfig(cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer pool.Close()
	if err := schema.Migrate(ctx, pool); err != nil {
		return fmt.Errorf("migrate database: %w", err)
	}
	q := db.New(pool)
	u, err := q.GetUserByLogin(ctx, login)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("set-password: no account %q", login)
	}
	if err != nil {
		return fmt.Errorf("set-password: load account: %w", err)
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	if _, err := q.SetPasswordRevokingTokens(ctx, db.SetPasswordRevokingTokensParams{UserID: u.ID, PasswordHash: hash}); err != nil {
		return fmt.Errorf("set-password: %w", err)
	}
	fmt.Fprintf(out, "password of %s set; its earlier tokens are revoked\n", login)
	return nil
}
