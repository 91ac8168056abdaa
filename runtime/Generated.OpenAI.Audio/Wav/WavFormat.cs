using System;
using System.Globalization;

namespace Generated.OpenAI.Audio;

/// <summary>
/// The format of a WAV file's samples: encoding, rate, channels and sample size. Samples are interleaved one frame at
/// a time (one sample per channel, <see cref="BlockAlign"/> bytes per frame).
/// </summary>
public sealed record WavFormat
{
    /// <summary>The most channels a format may have (a bound on per-frame buffers; real files have at most a few dozen).</summary>
    public const int MaxChannels = 1024;

    /// <summary>The highest sample rate accepted (768 kHz, the highest rate audio interfaces record at).</summary>
    public const int MaxSampleRate = 768_000;

    private readonly int _validBitsPerSample;

    /// <summary>24 kHz mono PCM16: the format of OpenAI realtime sessions' <c>audio/pcm</c>.</summary>
    public static WavFormat Pcm16Mono24k { get; } = new(WavSampleEncoding.Pcm, 24_000, 1, 16);

    /// <summary>Creates a format.</summary>
    /// <param name="encoding">How samples are encoded.</param>
    /// <param name="sampleRate">Frames per second, 1 to <see cref="MaxSampleRate"/>.</param>
    /// <param name="channels">Samples per frame, 1 to <see cref="MaxChannels"/>.</param>
    /// <param name="bitsPerSample">
    /// The size of one sample's container in bits: 8, 16, 24 or 32 for <see cref="WavSampleEncoding.Pcm"/>; 32 or 64 for
    /// <see cref="WavSampleEncoding.IeeeFloat"/>; 8 for the G.711 encodings.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside the ranges above.</exception>
    public WavFormat(WavSampleEncoding encoding, int sampleRate, int channels, int bitsPerSample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sampleRate, MaxSampleRate);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channels, MaxChannels);
        bool supported = encoding switch
        {
            WavSampleEncoding.Pcm => bitsPerSample is 8 or 16 or 24 or 32,
            WavSampleEncoding.IeeeFloat => bitsPerSample is 32 or 64,
            WavSampleEncoding.ALaw or WavSampleEncoding.MuLaw => bitsPerSample == 8,
            _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown encoding."),
        };
        if (!supported)
        {
            throw new ArgumentOutOfRangeException(nameof(bitsPerSample), bitsPerSample, $"{encoding} samples cannot be {bitsPerSample}-bit.");
        }

        Encoding = encoding;
        SampleRate = sampleRate;
        Channels = channels;
        BitsPerSample = bitsPerSample;
        _validBitsPerSample = bitsPerSample;
    }

    /// <summary>How samples are encoded.</summary>
    public WavSampleEncoding Encoding { get; }

    /// <summary>Frames per second.</summary>
    public int SampleRate { get; }

    /// <summary>Samples per frame.</summary>
    public int Channels { get; }

    /// <summary>The size of one sample's container in bits.</summary>
    public int BitsPerSample { get; }

    /// <summary>
    /// How many of <see cref="BitsPerSample"/> carry signal (<c>wValidBitsPerSample</c> of <c>WAVE_FORMAT_EXTENSIBLE</c>,
    /// for example 20 in a 24-bit container); the rest are the low bits, zero. Informational: samples are read at the
    /// container's scale, which is the same full scale.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to less than 1 or more than <see cref="BitsPerSample"/>.</exception>
    public int ValidBitsPerSample
    {
        get => _validBitsPerSample;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, BitsPerSample);
            _validBitsPerSample = value;
        }
    }

    /// <summary>The speaker positions of the channels (<c>dwChannelMask</c> of <c>WAVE_FORMAT_EXTENSIBLE</c>); 0 when not given.</summary>
    public uint ChannelMask { get; init; }

    /// <summary>
    /// Whether the header is (or, for <see cref="WavWriter"/>, will be) <c>WAVE_FORMAT_EXTENSIBLE</c> with a subformat GUID
    /// rather than a plain format tag.
    /// </summary>
    public bool IsExtensible { get; init; }

    /// <summary>Bytes per sample (the container).</summary>
    public int BytesPerSample => BitsPerSample / 8;

    /// <summary>Bytes per frame: <see cref="Channels"/> × <see cref="BytesPerSample"/>.</summary>
    public int BlockAlign => Channels * BytesPerSample;

    /// <summary>Bytes per second of audio.</summary>
    public long BytesPerSecond => (long)SampleRate * BlockAlign;

    /// <summary>Describes the format, for example <c>PCM 16-bit, 48000 Hz, 2 channels (WAVE_FORMAT_EXTENSIBLE)</c>.</summary>
    public override string ToString()
    {
        string encoding = Encoding switch
        {
            WavSampleEncoding.Pcm => "PCM",
            WavSampleEncoding.IeeeFloat => "IEEE float",
            WavSampleEncoding.ALaw => "A-law",
            _ => "µ-law",
        };
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{encoding} {BitsPerSample}-bit, {SampleRate} Hz, {Channels} channel{(Channels == 1 ? "" : "s")}{(IsExtensible ? " (WAVE_FORMAT_EXTENSIBLE)" : "")}");
    }
}
