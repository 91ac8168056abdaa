using System.ComponentModel;

namespace Generated.OpenAI.Serialization;

/// <summary>
/// One bit per property of a generated object, for what the wire said that the property values cannot:
/// an explicit <c>null</c> where the spec allows none, or a constant that was absent. Kept so that what was
/// read is written back the same.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public struct PropertyBits
{
    private ulong _low;
    private ulong[]? _high;

    /// <summary>Sets bit <paramref name="index"/>.</summary>
    public void Set(int index)
    {
        if (index < 64)
        {
            _low |= 1UL << index;
            return;
        }
        int word = (index >> 6) - 1;
        if (_high is null || _high.Length <= word)
        {
            System.Array.Resize(ref _high, word + 1);
        }
        _high[word] |= 1UL << (index & 63);
    }

    /// <summary>Clears bit <paramref name="index"/>.</summary>
    public void Clear(int index)
    {
        if (index < 64)
        {
            _low &= ~(1UL << index);
            return;
        }
        int word = (index >> 6) - 1;
        if (_high is not null && _high.Length > word)
        {
            _high[word] &= ~(1UL << (index & 63));
        }
    }

    /// <summary>Whether bit <paramref name="index"/> is set.</summary>
    public readonly bool IsSet(int index)
    {
        if (index < 64)
        {
            return (_low & (1UL << index)) != 0;
        }
        int word = (index >> 6) - 1;
        return _high is not null && _high.Length > word && (_high[word] & (1UL << (index & 63))) != 0;
    }
}
