using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Audio;

/// <summary>
/// WAV files for realtime sessions: any WAV that <see cref="WavReader"/> reads, as mono PCM16 at the session's rate
/// (24 kHz for <c>audio/pcm</c>, 8 kHz to encode with <see cref="MuLaw"/> or <see cref="ALaw"/> for
/// <c>audio/pcmu</c>/<c>audio/pcma</c>), converted as it streams in bounded memory; and mono PCM16 written back as WAV.
/// </summary>
/// <example>
/// <code>
/// await using FileStream file = File.OpenRead("question.wav");
/// await foreach (ReadOnlyMemory&lt;byte&gt; chunk in WavAudio.ReadPcm16Mono24kAsync(file, TimeSpan.FromMilliseconds(100)))
/// {
///     await session.SendAudioAsync(chunk); // the chunk is reused: send or copy it before the next one
/// }
/// </code>
/// </example>
public static class WavAudio
{
    /// <summary>The sample rate of realtime sessions' <c>audio/pcm</c>: 24 kHz.</summary>
    public const int RealtimeSampleRate = 24_000;

    /// <summary>The sample rate of G.711 (<c>audio/pcmu</c>, <c>audio/pcma</c>): 8 kHz.</summary>
    public const int G711SampleRate = 8_000;

    /// <summary>The longest chunk <see cref="ReadPcm16Mono24kAsync"/> gives: 10 s (480,000 bytes at 24 kHz).</summary>
    public static readonly TimeSpan MaxChunkDuration = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opens the WAV file at <paramref name="path"/> as a stream of 24 kHz mono PCM16 (see <see cref="Pcm16MonoStream"/>).
    /// The header is read here, so a file that cannot be read fails before any audio is.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="WavFormatException">The file is not a WAV file <see cref="WavReader"/> reads.</exception>
    public static Pcm16MonoStream OpenPcm16Mono24k(string path) => OpenPcm16Mono(path, RealtimeSampleRate);

    /// <summary>Opens the WAV file at <paramref name="path"/> as a stream of mono PCM16 at <paramref name="sampleRate"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="WavFormatException">The file is not a WAV file <see cref="WavReader"/> reads.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The file's rate and <paramref name="sampleRate"/> differ by more than <see cref="AudioResampler.MaxRatio"/>.</exception>
    public static Pcm16MonoStream OpenPcm16Mono(string path, int sampleRate)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Input file not found: {path}", path);
        }

        WavReader reader = WavReader.Open(path);
        return Convert(reader, sampleRate);
    }

    /// <summary>
    /// Opens the WAV in <paramref name="wav"/> as a stream of 24 kHz mono PCM16 (see <see cref="Pcm16MonoStream"/>); the
    /// header is read here, synchronously.
    /// </summary>
    /// <param name="wav">The WAV, positioned at its first byte.</param>
    /// <param name="leaveOpen">Whether <paramref name="wav"/> stays open when the returned stream is disposed.</param>
    /// <exception cref="WavFormatException">The bytes are not a WAV file <see cref="WavReader"/> reads.</exception>
    public static Pcm16MonoStream OpenPcm16Mono24k(Stream wav, bool leaveOpen = false) => OpenPcm16Mono(wav, RealtimeSampleRate, leaveOpen);

    /// <summary>Opens the WAV in <paramref name="wav"/> as a stream of mono PCM16 at <paramref name="sampleRate"/>.</summary>
    /// <param name="wav">The WAV, positioned at its first byte.</param>
    /// <param name="sampleRate">The output rate, for example <see cref="RealtimeSampleRate"/> or <see cref="G711SampleRate"/>.</param>
    /// <param name="leaveOpen">Whether <paramref name="wav"/> stays open when the returned stream is disposed.</param>
    /// <exception cref="WavFormatException">The bytes are not a WAV file <see cref="WavReader"/> reads.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The file's rate and <paramref name="sampleRate"/> differ by more than <see cref="AudioResampler.MaxRatio"/>.</exception>
    public static Pcm16MonoStream OpenPcm16Mono(Stream wav, int sampleRate, bool leaveOpen = false)
    {
        WavReader reader = WavReader.Open(wav, leaveOpen);
        return Convert(reader, sampleRate);
    }

    /// <summary>Opens the WAV in <paramref name="wav"/> as mono PCM16 at <paramref name="sampleRate"/>, reading the header asynchronously.</summary>
    /// <exception cref="WavFormatException">The bytes are not a WAV file <see cref="WavReader"/> reads.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The file's rate and <paramref name="sampleRate"/> differ by more than <see cref="AudioResampler.MaxRatio"/>.</exception>
    public static async ValueTask<Pcm16MonoStream> OpenPcm16MonoAsync(Stream wav, int sampleRate, bool leaveOpen = false, CancellationToken cancellationToken = default)
    {
        WavReader reader = await WavReader.OpenAsync(wav, leaveOpen, cancellationToken).ConfigureAwait(false);
        return Convert(reader, sampleRate);
    }

    /// <summary>
    /// Reads the WAV in <paramref name="wav"/> as 24 kHz mono PCM16 little-endian, in chunks of
    /// <paramref name="chunkDuration"/> (the last one shorter), with asynchronous reads and bounded memory.
    /// </summary>
    /// <param name="wav">The WAV, positioned at its first byte; left open.</param>
    /// <param name="chunkDuration">The length of a chunk: at least one sample, at most <see cref="MaxChunkDuration"/>.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>
    /// The chunks. EACH CHUNK IS BORROWED: it is one buffer, reused, valid until the enumeration moves on; send it or
    /// copy it before asking for the next.
    /// </returns>
    /// <exception cref="WavFormatException">The bytes are not a WAV file <see cref="WavReader"/> reads (on the first move).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkDuration"/> is shorter than a sample or longer than <see cref="MaxChunkDuration"/>.</exception>
    public static IAsyncEnumerable<ReadOnlyMemory<byte>> ReadPcm16Mono24kAsync(Stream wav, TimeSpan chunkDuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wav);
        int samples = (int)Math.Round(Math.Clamp(chunkDuration.TotalSeconds, 0, MaxChunkDuration.TotalSeconds) * RealtimeSampleRate);
        if (samples < 1 || chunkDuration > MaxChunkDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkDuration), chunkDuration, $"A chunk is at least one sample (1/{RealtimeSampleRate} s) and at most {MaxChunkDuration.TotalSeconds} s.");
        }

        return ReadChunksAsync(wav, samples * 2, cancellationToken);
    }

    /// <summary>Writes mono PCM16 little-endian at <paramref name="sampleRate"/> as a WAV file (44-byte header), replacing any file at <paramref name="path"/>.</summary>
    public static void WritePcm16Mono(string path, ReadOnlySpan<byte> pcm16, int sampleRate = RealtimeSampleRate)
    {
        using WavWriter writer = WavWriter.Create(path, new WavFormat(WavSampleEncoding.Pcm, sampleRate, 1, 16));
        writer.Write(pcm16);
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadChunksAsync(Stream wav, int chunkBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Pcm16MonoStream pcm = await OpenPcm16MonoAsync(wav, RealtimeSampleRate, leaveOpen: true, cancellationToken).ConfigureAwait(false);
        await using (pcm.ConfigureAwait(false))
        {
            byte[] chunk = new byte[chunkBytes];
            while (true)
            {
                int filled = 0;
                int read;
                while (filled < chunk.Length && (read = await pcm.ReadAsync(chunk.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                if (filled == 0)
                {
                    yield break;
                }

                yield return chunk.AsMemory(0, filled);
                if (filled < chunk.Length)
                {
                    yield break;
                }
            }
        }
    }

    private static Pcm16MonoStream Convert(WavReader reader, int sampleRate)
    {
        try
        {
            return new Pcm16MonoStream(reader, sampleRate);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }
}
