namespace Generated.OpenAI.Serialization;

/// <summary>
/// A generated object that can tell whether the JSON it was read from had every member the spec requires. The
/// readers never throw for a missing or mistyped member (it stays unset, a mistyped value is kept raw in
/// <c>ExtensionData</c>); strict unions (the realtime events) ask this instead and read such an object as their
/// <c>Unknown</c> case, with the reason, so that no case ever carries a null where the spec promises a value.
/// </summary>
public interface IRequiredMembers
{
    /// <summary>
    /// The JSON path (<c>error.message</c>) of the first required member that is unset, looking into required
    /// objects as well; <see langword="null"/> when none is. Meaningful for a value read from JSON.
    /// </summary>
    string? FindMissingMember();
}
