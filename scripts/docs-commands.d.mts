/** Types of scripts/docs-commands.mjs, for the test that imports it. */
export declare const DOC: string;
export declare function subcommands(text: string): string[];
export declare function withoutGlobalOptions(text: string): string;
export declare function render(): Promise<string>;
