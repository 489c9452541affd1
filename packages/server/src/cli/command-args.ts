/** What a sub-command receives after the shared option parsing in cli.ts. */
export interface CommandArgs {
  positionals: string[];
  /** Boolean flags that were given, without their leading dashes. */
  flags: Set<string>;
}
