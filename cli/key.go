package cli

import "github.com/spf13/cobra"

func newKeyCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "key",
		Short: "Store, check or delete the APIDot API key",
		Args:  usageArgs(cobra.NoArgs),
	}
}
