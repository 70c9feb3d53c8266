package org.kemwb.card;

import java.io.IOException;

/**
 * A model card (or the model beside it) that cannot be used: missing, unknown or out-of-range
 * key, or outputs that do not match the card. The message is one line naming the file and key.
 */
public class CardException extends IOException {
    public CardException(String message) {
        super(message);
    }
}
