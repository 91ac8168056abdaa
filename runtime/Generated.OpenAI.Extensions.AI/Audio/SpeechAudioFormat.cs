using System;
using Generated.OpenAI.Models;

namespace Generated.OpenAI.Extensions.AI.Audio;

/// <summary>The speech API's audio formats and their media types, in one place (MEAI names a format by media type or by name).</summary>
internal static class SpeechAudioFormat
{
    /// <summary>The API's format for MEAI's <c>AudioFormat</c> (<c>audio/wav</c> or <c>wav</c>); MP3 when none is asked.</summary>
    public static CreateSpeechResponseFormat Parse(string? audioFormat) => audioFormat?.ToLowerInvariant() switch
    {
        null or "" or "mp3" or "audio/mpeg" or "audio/mp3" => CreateSpeechResponseFormat.Mp3,
        "wav" or "audio/wav" or "audio/x-wav" or "audio/wave" => CreateSpeechResponseFormat.Wav,
        "pcm" or "audio/pcm" or "audio/l16" => CreateSpeechResponseFormat.Pcm,
        "opus" or "audio/opus" or "audio/ogg" => CreateSpeechResponseFormat.Opus,
        "aac" or "audio/aac" => CreateSpeechResponseFormat.Aac,
        "flac" or "audio/flac" => CreateSpeechResponseFormat.Flac,
        _ => throw new NotSupportedException($"The speech API has no audio format '{audioFormat}' (mp3, wav, pcm, opus, aac, flac)."),
    };

    /// <summary>The media type of the API's format (PCM: 24 kHz mono 16-bit little-endian).</summary>
    public static string MediaType(CreateSpeechResponseFormat format) => format switch
    {
        CreateSpeechResponseFormat.Wav => "audio/wav",
        CreateSpeechResponseFormat.Pcm => "audio/pcm",
        CreateSpeechResponseFormat.Opus => "audio/opus",
        CreateSpeechResponseFormat.Aac => "audio/aac",
        CreateSpeechResponseFormat.Flac => "audio/flac",
        _ => "audio/mpeg",
    };
}
