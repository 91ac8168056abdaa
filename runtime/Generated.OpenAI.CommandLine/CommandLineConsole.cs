using System;
using System.IO;

namespace Generated.OpenAI.CommandLine;

/// <summary>What a run reads and writes: standard streams, whether they are redirected, and the environment.</summary>
/// <param name="In">Standard input (a body on stdin).</param>
/// <param name="InputRedirected">Whether standard input is a pipe or a file: a body is then read from it.</param>
/// <param name="Out">Standard output, as text.</param>
/// <param name="Error">Standard error.</param>
/// <param name="OpenBinaryOutput">Standard output as bytes, for binary answers without <c>--output</c>.</param>
/// <param name="OutputIsTerminal">Whether standard output is a terminal (<c>--format auto</c> is then <c>pretty</c>).</param>
/// <param name="GetVariable">Reads an environment variable.</param>
public sealed record CommandLineConsole(
    TextReader In,
    bool InputRedirected,
    TextWriter Out,
    TextWriter Error,
    Func<Stream> OpenBinaryOutput,
    bool OutputIsTerminal,
    Func<string, string?> GetVariable);
