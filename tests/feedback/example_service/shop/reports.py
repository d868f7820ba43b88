"""Reports for the back office."""


def average_order_value(orders):
    total = sum(order["amount"] for order in orders)
    return total / len(orders)


def category_depth(categories, name):
    parent = categories.get(name)
    if parent is None:
        return 0
    return 1 + category_depth(categories, parent)


def top_product(sales):
    ranked = sorted(sales, key=lambda sale: sale["count"], reverse=True)
    return ranked[0]["sku"]


def load_all_rows(row_count):
    buffer = bytearray(row_count * 1024)
    return len(buffer)
