using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Generated.OpenAI.Audio;

/// <summary>
/// Converts mono float samples from one sample rate to another as they stream, with a windowed-sinc (Kaiser,
/// β = 8) polyphase filter: 16 zero crossings each side, the cutoff at 90% of the lower of the two Nyquist
/// frequencies, so that a downsampled signal does not alias (content above the cutoff is attenuated by about 80 dB
/// in the stopband) and an upsampled one has no images. The gain at DC is exactly 1; output sample <c>n</c> is the
/// input at time <c>n / outputRate</c> (no delay), and <c>N</c> input samples give exactly
/// <see cref="GetOutputLength"/>(N) output samples once <see cref="Flush"/> has run. Equal rates copy the samples
/// through unchanged.
/// </summary>
/// <remarks>
/// Memory is fixed when constructed: the filter table (exact phases for rational ratios up to 1,024 phases, the
/// nearest two of 1,024 interpolated otherwise, at most 1 MiB) and a history of about three filter lengths plus 4,096
/// samples. Rates may differ by at most a factor of <see cref="MaxRatio"/>. Not thread-safe.
/// </remarks>
public sealed class AudioResampler
{
    /// <summary>The largest factor between the input and output rates.</summary>
    public const int MaxRatio = 64;

    private const int ZeroCrossings = 16;
    private const double Passband = 0.9;
    private const double KaiserBeta = 8.0;
    private const int MaxPhases = 1024;
    private const int MaxTableFloats = 256 * 1024;
    private const int BlockSize = 4096;

    private readonly int _up;
    private readonly int _down;
    private readonly int _stepWhole;
    private readonly int _stepFraction;
    private readonly bool _passThrough;
    private readonly int _center; // taps before the output position: the window starts at position - _center
    private readonly int _taps; // a multiple of the vector width; the taps past the filter's support are 0
    private readonly int _phases;
    private readonly float[] _table = [];
    private readonly float[] _history = [];
    private long _historyStart;
    private int _historyCount;
    private long _position;
    private int _fraction;
    private long _inputCount;
    private bool _flushed;

    /// <summary>Creates a resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> samples per second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive, or they differ by more than <see cref="MaxRatio"/>.</exception>
    public AudioResampler(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputRate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputRate, 1);
        if ((long)inputRate > (long)outputRate * MaxRatio || (long)outputRate > (long)inputRate * MaxRatio)
        {
            throw new ArgumentOutOfRangeException(nameof(outputRate), outputRate, $"{inputRate} Hz to {outputRate} Hz: the rates may differ by at most a factor of {MaxRatio}.");
        }

        InputRate = inputRate;
        OutputRate = outputRate;
        int gcd = (int)BigInteger.GreatestCommonDivisor(inputRate, outputRate);
        _up = outputRate / gcd;
        _down = inputRate / gcd;
        _stepWhole = _down / _up;
        _stepFraction = _down % _up;
        _passThrough = inputRate == outputRate;
        if (_passThrough)
        {
            return;
        }

        // The cutoff in cycles per input sample, and the half-width of the filter in input samples.
        double cutoff = 0.5 * Math.Min(1.0, (double)_up / _down) * Passband;
        double halfWidth = ZeroCrossings / (2 * cutoff);
        int half = (int)Math.Ceiling(halfWidth);
        _center = half - 1;
        int width = Vector<float>.Count;
        _taps = ((2 * half) + width - 1) / width * width;
        _phases = Math.Min(_up, Math.Min(MaxPhases, MaxTableFloats / _taps));
        _table = new float[(_phases + 1) * _taps];
        for (int row = 0; row <= _phases; row++)
        {
            double phase = (double)row / _phases;
            Span<float> taps = _table.AsSpan(row * _taps, _taps);
            double sum = 0;
            for (int j = 0; j < 2 * half; j++)
            {
                double t = j - _center - phase; // input sample (position - _center + j) is t samples from the output time
                double value = Math.Abs(t) >= halfWidth ? 0 : 2 * cutoff * Sinc(2 * cutoff * t) * Kaiser(t / halfWidth);
                taps[j] = (float)value;
                sum += value;
            }

            for (int j = 0; j < 2 * half; j++)
            {
                taps[j] = (float)(taps[j] / sum); // DC gain exactly 1 in every phase
            }
        }

        _history = new float[(3 * _taps) + BlockSize];
        _historyStart = -_center; // zeros before the first sample
        _historyCount = _center;
    }

    /// <summary>The input rate, samples per second.</summary>
    public int InputRate { get; }

    /// <summary>The output rate, samples per second.</summary>
    public int OutputRate { get; }

    /// <summary>The number of output samples that <paramref name="inputLength"/> input samples give: ⌈N × out / in⌉.</summary>
    public long GetOutputLength(long inputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        return (long)(((Int128)inputLength * _up + _down - 1) / _down);
    }

    /// <summary>
    /// Takes input samples and writes output samples, as many as <paramref name="output"/> holds or the input allows.
    /// Input that is not consumed (because <paramref name="output"/> filled up) must be given again.
    /// </summary>
    /// <param name="input">The next input samples.</param>
    /// <param name="output">Where output samples go.</param>
    /// <param name="consumed">How many of <paramref name="input"/> were taken.</param>
    /// <returns>The number of output samples written.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Flush"/> has been called.</exception>
    public int Process(ReadOnlySpan<float> input, Span<float> output, out int consumed)
    {
        if (_flushed)
        {
            throw new InvalidOperationException("The resampler has been flushed.");
        }

        if (_passThrough)
        {
            consumed = Math.Min(input.Length, output.Length);
            input[..consumed].CopyTo(output);
            _inputCount += consumed;
            return consumed;
        }

        consumed = 0;
        int produced = 0;
        while (produced < output.Length)
        {
            if (CanProduce())
            {
                output[produced++] = Produce();
                continue;
            }

            if (consumed == input.Length)
            {
                break;
            }

            int appended = Append(input[consumed..]);
            consumed += appended;
            _inputCount += appended;
        }

        return produced;
    }

    /// <summary>
    /// At the end of the input: writes the remaining output samples (those that need input past the end, taken as
    /// silence). Call until it returns 0; after that the resampler takes no more input.
    /// </summary>
    /// <returns>The number of output samples written; 0 once all have been.</returns>
    public int Flush(Span<float> output)
    {
        if (_passThrough)
        {
            _flushed = true;
            return 0;
        }

        _flushed = true;
        int produced = 0;
        while (produced < output.Length && _position < _inputCount)
        {
            if (!CanProduce())
            {
                // Silence after the end: once compacted, fewer than _taps samples are left, so there is room.
                Compact();
                _history.AsSpan(_historyCount, _taps).Clear();
                _historyCount += _taps;
            }

            output[produced++] = Produce();
        }

        return produced;
    }

    private bool CanProduce() => _position - _center + _taps <= _historyStart + _historyCount;

    private float Produce()
    {
        int start = (int)(_position - _center - _historyStart);
        ReadOnlySpan<float> window = _history.AsSpan(start, _taps);
        float value;
        if (_phases == _up)
        {
            value = Dot(window, _table.AsSpan(_fraction * _taps, _taps));
        }
        else
        {
            double exact = (double)_fraction * _phases / _up;
            int row = (int)exact;
            float weight = (float)(exact - row);
            float below = Dot(window, _table.AsSpan(row * _taps, _taps));
            float above = Dot(window, _table.AsSpan((row + 1) * _taps, _taps));
            value = below + ((above - below) * weight);
        }

        _position += _stepWhole;
        _fraction += _stepFraction;
        if (_fraction >= _up)
        {
            _fraction -= _up;
            _position++;
        }

        return value;
    }

    private int Append(ReadOnlySpan<float> input)
    {
        if (_historyCount == _history.Length)
        {
            Compact();
        }

        int count = Math.Min(input.Length, _history.Length - _historyCount);
        input[..count].CopyTo(_history.AsSpan(_historyCount));
        _historyCount += count;
        return count;
    }

    /// <summary>Drops the samples that no output needs any more (those before the current window).</summary>
    private void Compact()
    {
        int drop = (int)Math.Min(_position - _center - _historyStart, _historyCount);
        Debug.Assert(drop >= 0, "the window never starts before the history");
        if (drop > 0)
        {
            _history.AsSpan(drop, _historyCount - drop).CopyTo(_history);
            _historyCount -= drop;
            _historyStart += drop;
        }
    }

    /// <summary>The dot product of two spans of the same length, a multiple of the vector width (the taps are padded to it).</summary>
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Debug.Assert(a.Length == b.Length && a.Length % Vector<float>.Count == 0, "whole vectors");
        ref float left = ref MemoryMarshal.GetReference(a);
        ref float right = ref MemoryMarshal.GetReference(b);
        var sum = Vector<float>.Zero;
        for (nuint i = 0; i < (nuint)a.Length; i += (nuint)Vector<float>.Count)
        {
            sum += Vector.LoadUnsafe(ref left, i) * Vector.LoadUnsafe(ref right, i);
        }

        return Vector.Sum(sum);
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static double Kaiser(double x) => BesselI0(KaiserBeta * Math.Sqrt(Math.Max(0, 1 - (x * x)))) / BesselI0(KaiserBeta);

    /// <summary>The modified Bessel function of the first kind, order 0, by its power series (converges fast for β ≤ 20).</summary>
    private static double BesselI0(double x)
    {
        double sum = 1;
        double term = 1;
        double quarterSquare = x * x / 4;
        for (int k = 1; k < 64 && term > sum * 1e-17; k++)
        {
            term *= quarterSquare / ((double)k * k);
            sum += term;
        }

        return sum;
    }
}
