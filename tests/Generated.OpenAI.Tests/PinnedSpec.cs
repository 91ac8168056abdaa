using System.Linq;
using System.Text.Json;

namespace Generated.OpenAI.Tests;

/// <summary>
/// Which spec the SDK was built from, and the numbers measured on the pinned one. Tests assert these exact numbers
/// when the SDK is built from the pinned file, and numbers derived from the spec otherwise, so that moving the pin
/// (spec/update.sh) or building with -p:OpenApiSpecPath=... does not break them.
/// </summary>
internal static class PinnedSpec
{
    /// <summary>openai/openai-openapi 5162af9 (2026-05-13), the SDK's pin.</summary>
    public const string Sha256 = "74cbcf73838f4cd7e209b2d3f2e9ddc9fa155f21a44360b6fac7646a6d4f5f8b";

    public const int Schemas = 959;

    /// <summary>Examples in the pinned spec that are JSON (all round-trip), and those skipped (not valid JSON).</summary>
    public const int Examples = 559, SkippedExamples = 102;

    /// <summary>The realtime unions' members in the pinned spec, before spec/openai-overlay.yaml.</summary>
    public const int ClientEvents = 11, ServerEvents = 46, TranslationClientEvents = 3, TranslationServerEvents = 7;

    /// <summary>Server events spec/openai-overlay.yaml adds to the union (openai-openapi#568).</summary>
    public static readonly string[] ServerEventsAddedByOverlay = ["RealtimeServerEventTranscriptionSessionUpdated"];

    public static JsonElement Source => SpecDocument.Root.GetProperty("x-generated-openai-source");

    /// <summary>Whether the SDK was built from the pinned spec (its SHA-256 is the pin's).</summary>
    public static bool IsBuilt => Source.GetProperty("sha256").GetString() == Sha256;

    /// <summary>Whether spec/openai-overlay.yaml was applied (it is by default).</summary>
    public static bool OverlayApplied =>
        Source.TryGetProperty("overlays", out var overlays) && overlays.EnumerateArray().Any(o => o.GetProperty("file").GetString() == "openai-overlay.yaml");
}
