using System;
using System.IO;
using System.Text.RegularExpressions;

namespace Generated.OpenAI.SpecTool;

/// <summary>
/// Moves the pin in <c>spec/OpenApiSpec.props</c> to another spec file: records its commit, date and SHA-256,
/// changing only the text of those elements (comments and layout are kept).
/// </summary>
internal static partial class Pin
{
    public sealed record PinValues(string Commit, string Date, string File, string Sha256);

    public static PinValues Read(string propsPath)
    {
        string text = ReadProps(propsPath);
        return new(Element(text, "Commit"), Element(text, "Date"), Element(text, "File"), Element(text, "Sha256"));
    }

    public static string Write(string propsPath, PinValues pin)
    {
        if (!CommitPattern().IsMatch(pin.Commit))
        {
            throw new PinException($"'{pin.Commit}' is not a git commit (7 to 40 hex digits).");
        }
        if (!DateTime.TryParseExact(pin.Date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _))
        {
            throw new PinException($"'{pin.Date}' is not a date (yyyy-MM-dd).");
        }
        if (!Sha256Pattern().IsMatch(pin.Sha256))
        {
            throw new PinException($"'{pin.Sha256}' is not a SHA-256 (64 hex digits).");
        }
        string text = ReadProps(propsPath);
        text = Replace(text, "Commit", pin.Commit);
        text = Replace(text, "Date", pin.Date);
        text = Replace(text, "File", pin.File);
        text = Replace(text, "Sha256", pin.Sha256.ToLowerInvariant());
        File.WriteAllText(propsPath, text);
        return text;
    }

    private static string ReadProps(string propsPath) =>
        File.Exists(propsPath) ? File.ReadAllText(propsPath) : throw new PinException($"the pin '{propsPath}' does not exist.");

    private static string Element(string text, string name)
    {
        var m = Regex.Match(text, $"<OpenApiPinned{name}>([^<]*)</OpenApiPinned{name}>");
        return m.Success ? m.Groups[1].Value : throw new PinException($"the pin has no <OpenApiPinned{name}> element.");
    }

    private static string Replace(string text, string name, string value)
    {
        _ = Element(text, name);
        return Regex.Replace(text, $"<OpenApiPinned{name}>[^<]*</OpenApiPinned{name}>", $"<OpenApiPinned{name}>{value}</OpenApiPinned{name}>");
    }

    [GeneratedRegex("^[0-9a-fA-F]{7,40}$")]
    private static partial Regex CommitPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
