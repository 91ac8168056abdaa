using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.CommandLine;

/// <summary>
/// The <c>openai</c> command tree, built from <see cref="OpenApiCommandTable"/> (emitted from the spec): one command
/// per resource path (<c>responses</c>, <c>audio:speech</c>), one subcommand per operation (<c>create</c>,
/// <c>list</c>), parameters and top-level body fields as <c>--flags</c>.
/// </summary>
/// <remarks>
/// Exit codes: 0 success; 1 the API answered with an error, or the network failed; 2 a usage error (unknown flag,
/// missing parameter or key, unreadable file, malformed <c>OPENAI_BASE_URL</c>); 130 SIGINT; 143 SIGTERM.
/// </remarks>
public static class OpenAICommandLine
{
    /// <summary>Exit code of a successful run.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code when the API answered with an error status or could not be reached.</summary>
    public const int ExitApiError = 1;

    /// <summary>Exit code of a usage error.</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code when the run was canceled (Ctrl+C, SIGINT).</summary>
    public const int ExitCanceled = 130;

    /// <summary>Exit code when the run was ended by SIGTERM.</summary>
    public const int ExitTerminated = 143;

    private const string RootDescription =
        "OpenAI's API from the command line. Generated from the OpenAPI spec: every operation as '<resource> <method>' " +
        "(openai responses create --model gpt-5.5 --input hi); request fields are flags, dotted for nesting " +
        "(--text.format.type json_schema); values are read as JSON when they parse, else as strings; a JSON or YAML body on " +
        "standard input ('-', or whenever stdin is redirected, such as a <<'YAML' heredoc) is merged under the flags; file fields take a path " +
        "(@file or file), and @file elsewhere is the file's text (JSON when it parses; YAML for .yaml and .yml). Global flags of the generated " +
        "commands: --format auto|json|jsonl|pretty|raw|yaml (explore is not supported), --transform (a subset of GJSON, see its help), " +
        "--raw-output, --output, --debug. Hand-written, marked [tool]: 'realtime' (WAV files through realtime sessions; the generated " +
        "'realtime:*' commands are the REST operations), 'simulate' (local simulators, no key) and 'batch' (Batch at scale; the generated " +
        "'batches' commands are the plain operations). Keys and URL come from OPENAI_API_KEY, OPENAI_ADMIN_KEY (admin operations) and " +
        "OPENAI_BASE_URL. Exit codes: 0 ok, 1 API or network error, 2 usage error, 130 SIGINT, 143 SIGTERM.";

    /// <summary>The flags every command takes (and that no request field may shadow).</summary>
    private static readonly HashSet<string> s_reserved = new(StringComparer.Ordinal)
    {
        "--format", "--transform", "--raw-output", "--output", "--debug", "--help", "--auto-paging", "--max-items",
    };

    /// <summary>Parses <paramref name="args"/> and runs the command with <paramref name="console"/>'s streams and environment.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="console">Standard streams and environment.</param>
    /// <param name="cancellationToken">Cancels the run (SIGINT, SIGTERM).</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, CommandLineConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);

        var globals = new GlobalOptions();
        var root = new RootCommand(RootDescription);
        // The hand-written commands first, so that --help lists them apart from the generated resources.
        var tool = new HashSet<string>(StringComparer.Ordinal);
        foreach (Command command in ToolCommands(console))
        {
            tool.Add(command.Name);
            root.Subcommands.Add(command);
        }

        var resources = new Dictionary<string, Command>(StringComparer.Ordinal);
        foreach (OpenApiCommand command in OpenApiCommandTable.Commands)
        {
            int space = command.Name.IndexOf(' ', StringComparison.Ordinal);
            string resource = command.Name[..space];
            if (!resources.TryGetValue(resource, out Command? parent))
            {
                if (tool.Contains(resource))
                {
                    // A spec update that brings a resource named like a hand-written command must rename one of them.
                    throw new InvalidOperationException($"The generated resource '{resource}' has the name of a hand-written command.");
                }
                parent = new Command(resource, $"Operations on {resource.Replace(':', ' ')}.");
                // The global flags on every generated command (not on the hand-written ones, whose --output is a file of theirs).
                foreach (Option option in globals.All)
                {
                    parent.Options.Add(option);
                }
                resources[resource] = parent;
                root.Subcommands.Add(parent);
            }
            parent.Subcommands.Add(BuildMethod(command, command.Name[(space + 1)..], globals, console));
        }

        // '@file' is a file field's value here, not a response file of arguments.
        ParseResult result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error, ProcessTerminationTimeout = null };
        int exit = await result.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        // System.CommandLine's parse-error action returns 1; usage errors are 2 here.
        return result.Errors.Count > 0 ? ExitUsage : exit;
    }

    /// <summary>The names of the hand-written commands: none may be a generated resource's name.</summary>
    internal static IReadOnlyList<string> ToolCommandNames { get; } = ["realtime", "simulate", "batch"];

    /// <summary>The hand-written commands, in the order of <see cref="ToolCommandNames"/>.</summary>
    private static IEnumerable<Command> ToolCommands(CommandLineConsole console)
    {
        yield return RealtimeCommands.Create(console);
        yield return SimulateCommand.Create(console);
        yield return BatchCommands.Create(console);
    }

    private static Command BuildMethod(OpenApiCommand command, string method, GlobalOptions globals, CommandLineConsole console)
    {
        var cmd = new Command(method, Summary(command)) { TreatUnmatchedTokensAsErrors = false };
        var flags = new List<(OpenApiCommandOption Field, Option Option)>();
        var declared = new HashSet<string>(s_reserved, StringComparer.Ordinal);
        foreach (OpenApiCommandOption field in command.Parameters.Concat(command.BodyFields))
        {
            string flag = field.Flag;
            if (!declared.Add(flag))
            {
                continue; // shadowed by a global flag or a parameter of the same name: reachable on stdin only
            }
            Option option;
            if (field.Repeatable)
            {
                // Once per item (--image a.png --image b.png), by the plural or, as OpenAI's CLI docs write it, the singular.
                var repeated = new Option<string[]>(flag) { Description = Describe(field), HelpName = field.Kind == "file" ? "file" : "item", AllowMultipleArgumentsPerToken = false };
                if (field.SingularFlag is { } singular && declared.Add(singular))
                {
                    repeated.Aliases.Add(singular);
                }
                option = repeated;
            }
            else
            {
                option = new Option<string>(flag) { Description = Describe(field), HelpName = field.Kind == "file" ? "file" : field.Kind };
            }
            flags.Add((field, option));
            cmd.Options.Add(option);
        }

        Option<bool>? autoPaging = null;
        Option<int?>? maxItems = null;
        if (command.Pages)
        {
            autoPaging = new Option<bool>("--auto-paging") { Description = "Follow the cursor (after = last_id) through every page; items are printed as one list (one per line with --format jsonl)." };
            maxItems = new Option<int?>("--max-items") { Description = "With --auto-paging: stop after this many items." };
            cmd.Options.Add(autoPaging);
            cmd.Options.Add(maxItems);
        }

        cmd.SetAction((parse, ct) =>
        {
            var invocation = new CommandInvocation(command, console)
            {
                Format = parse.GetValue(globals.Format) ?? "auto",
                RawOutput = parse.GetValue(globals.RawOutput),
                OutputFile = parse.GetValue(globals.Output),
                Debug = parse.GetValue(globals.Debug),
                Transform = parse.GetValue(globals.Transform),
                AutoPaging = autoPaging is not null && parse.GetValue(autoPaging),
                MaxItems = maxItems is null ? null : parse.GetValue(maxItems),
            };
            foreach (var (field, option) in flags)
            {
                if (parse.GetResult(option) is not { Implicit: false })
                {
                    continue;
                }
                if (option is Option<string[]> repeated)
                {
                    foreach (string item in parse.GetValue(repeated) ?? [])
                    {
                        invocation.Values.Add((field, item));
                    }
                }
                else if (parse.GetValue((Option<string>)option) is { } value)
                {
                    invocation.Values.Add((field, value));
                }
            }
            string? usage = ReadUnmatched(parse.UnmatchedTokens, invocation);
            return usage is not null ? invocation.UsageErrorAsync(usage) : invocation.RunAsync(ct);
        });
        return cmd;
    }

    /// <summary>Dotted flags (<c>--text.format.type json_schema</c>) and <c>-</c> (body on stdin); the error for anything else.</summary>
    private static string? ReadUnmatched(IReadOnlyList<string> tokens, CommandInvocation invocation)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            if (token == "-")
            {
                invocation.BodyFromStdin = true;
                continue;
            }
            if (!token.StartsWith("--", StringComparison.Ordinal) || !token.Contains('.', StringComparison.Ordinal))
            {
                return $"unrecognized argument '{token}' (see '{invocation.Command.Name} --help'; nested fields are dotted flags such as --text.format.type)";
            }
            string name = token[2..];
            string? value;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            else if (i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = tokens[++i];
            }
            else
            {
                value = "true";
            }
            if (name.Split('.').Any(p => p.Length == 0))
            {
                return $"the flag '{token}' has an empty part";
            }
            invocation.Dotted.Add((name.Replace('-', '_').Split('.'), value));
        }
        return null;
    }

    private static string Summary(OpenApiCommand command)
    {
        string text = FirstParagraph(command.Summary) ?? command.OperationId;
        var notes = new List<string> { $"{command.HttpMethod} {command.Path}" };
        if (command.AdminAuth)
        {
            notes.Add("admin key");
        }
        if (command.Streams)
        {
            notes.Add("streams events with --stream true");
        }
        if (command.Pages)
        {
            notes.Add("paged: --auto-paging");
        }
        if (command.BodyKind == "multipart")
        {
            notes.Add("multipart upload");
        }
        return text + " (" + string.Join("; ", notes) + ")";
    }

    private static string Describe(OpenApiCommandOption field)
    {
        string where = field.In == "body" ? "" : field.In + " parameter; ";
        string required = field.Required ? "required; " : "";
        string repeat = field.Repeatable ? "; repeat the flag per item" : "";
        return $"[{where}{required}{field.Kind}{repeat}] " + (FirstParagraph(field.Description) ?? "");
    }

    private static string? FirstParagraph(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        string trimmed = text.Trim();
        int blank = trimmed.IndexOf("\n\n", StringComparison.Ordinal);
        string first = (blank < 0 ? trimmed : trimmed[..blank]).Replace('\n', ' ');
        return first.Length <= 300 ? first : first[..297] + "...";
    }

    /// <summary>The flags every command takes.</summary>
    private sealed class GlobalOptions
    {
        public Option<string> Format { get; } = new("--format")
        {
            Description = "Output format: auto (pretty on a terminal, else json), json (indented), jsonl (one compact line; one per item or event), pretty (an indented key: value view), raw (the body as received), yaml (YAML 1.2; one document per item or event). explore (an interactive viewer) is not supported.",
            DefaultValueFactory = _ => "auto",
            Recursive = true,
        };

        public Option<bool> RawOutput { get; } = new("--raw-output") { Description = "Print a string result without JSON quotes.", Recursive = true };

        public Option<string?> Output { get; } = new("--output", "-o") { Description = "Write the response body (binary answers: audio, file content) to this file.", Recursive = true };

        public Option<string?> Transform { get; } = new("--transform")
        {
            Description = "Print only part of the answer (of each event, of each item with --auto-paging --format jsonl), by a GJSON path. Supported: member names, array indexes (content.0), # (a length; #.name maps), #(key==\"value\") and #(key!=value) (the first match; #(...)# every match). Other GJSON syntax (modifiers, wildcards, escapes) is not supported.",
            Recursive = true,
        };

        public Option<bool> Debug { get; } = new("--debug") { Description = "Print the request and response to stderr (Authorization redacted).", Recursive = true };

        public GlobalOptions() => Format.AcceptOnlyFromAmong("auto", "json", "jsonl", "pretty", "raw", "yaml");

        public IEnumerable<Option> All => [Format, Transform, RawOutput, Output, Debug];
    }
}
