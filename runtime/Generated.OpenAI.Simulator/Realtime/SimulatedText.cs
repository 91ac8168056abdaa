using System.Collections.Generic;
using System.Globalization;

namespace Generated.OpenAI.Simulator;

/// <summary>The deterministic texts the realtime simulator speaks and transcribes.</summary>
public static class SimulatedText
{
    /// <summary>Transcript of the <paramref name="number"/>-th committed turn of a connection.</summary>
    public static string Transcript(int number, int pcm16Bytes)
        => string.Create(CultureInfo.InvariantCulture, $"Simulated transcript {number} of {pcm16Bytes / (double)SampleAudio.BytesPerSecond:0.00} seconds of audio.");

    /// <summary>Spoken answer to a user turn of <paramref name="pcm16Bytes"/> bytes (0: no audio).</summary>
    public static string Answer(int pcm16Bytes)
        => pcm16Bytes == 0
            ? "Hello from the realtime simulator."
            : string.Create(CultureInfo.InvariantCulture, $"I heard {pcm16Bytes / (double)SampleAudio.BytesPerSecond:0.00} seconds of audio.");

    /// <summary>Spoken answer after a function call.</summary>
    public static string FunctionAnswer(string name, string output) => $"The {name} function returned {output}";

    /// <summary>Translated transcript delta number <paramref name="frame"/> (1-based) for a target language.</summary>
    public static string TranslationOutput(string language, int frame) => (frame == 1 ? string.Empty : " ") + $"[{language} {frame}]";

    /// <summary>Source transcript delta number <paramref name="frame"/> (1-based).</summary>
    public static string TranslationInput(int frame) => (frame == 1 ? string.Empty : " ") + $"[source {frame}]";

    /// <summary>Splits text into word deltas that concatenate back verbatim (spaces lead each later word).</summary>
    public static IReadOnlyList<string> Pieces(string text)
    {
        var pieces = new List<string>();
        int start = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] == ' ')
            {
                pieces.Add(text[start..i]);
                start = i;
            }
        }

        pieces.Add(text[start..]);
        return pieces;
    }
}
