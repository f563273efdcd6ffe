"""What a model call cost, from the maintained price data of ``genai-prices``.

Prices are looked up, never hand-written. A model the price data does not know has an unknown cost
(None), never 0; a model served on the user's own hardware costs 0 per token.
"""

from __future__ import annotations

import functools
import logging

from any_agent.model.ids import ModelId
from any_agent.model.route import LOCAL_PROVIDERS
from any_agent.model.types import Usage

__all__ = ["call_cost"]

logger = logging.getLogger(__name__)


def call_cost(model_id: ModelId, usage: Usage, *, response_model: str | None = None) -> float | None:
    """The call's price in USD, or None when the price data does not know the model."""
    if model_id.provider in LOCAL_PROVIDERS:
        return 0.0
    for model in dict.fromkeys(name for name in (model_id.model, response_model) if name):
        price = _price(model_id.provider, model, usage.input_tokens, usage.output_tokens)
        if price is not None:
            return price
    return None


@functools.lru_cache(maxsize=1024)
def _price(provider: str, model: str, input_tokens: int, output_tokens: int) -> float | None:
    from genai_prices import Usage as PriceUsage
    from genai_prices import calc_price

    try:
        result = calc_price(
            PriceUsage(input_tokens=input_tokens, output_tokens=output_tokens), model_ref=model, provider_id=provider
        )
    except LookupError:
        return None
    except Exception:  # price data is best effort: a pricing bug must never fail a run
        logger.debug("price lookup failed for %s:%s", provider, model, exc_info=True)
        return None
    return float(result.total_price)
