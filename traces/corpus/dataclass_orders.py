# corpus: dataclasses (frozen, default_factory, order=True, asdict, replace) shared by order-processing threads
import threading
import time
from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class Item:
    sku: str
    price: float


@dataclass(order=True)
class Order:
    priority: int
    order_id: int = field(compare=False)
    items: list[Item] = field(default_factory=list, compare=False)
    status: str = field(default="new", compare=False)

    @property
    def total(self) -> float:
        return round(sum(item.price for item in self.items), 2)


@dataclass
class Warehouse:
    stock: dict[str, int]
    shipped: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def fulfil(self, order: Order) -> None:
        with self.lock:
            if all(self.stock.get(item.sku, 0) > 0 for item in order.items):
                for item in order.items:
                    self.stock[item.sku] -= 1
                order.status = "shipped"
                self.shipped.append(order.order_id)
            else:
                order.status = "backordered"


PEN = Item("PEN-01", 1.5)
PAD = Item("PAD-A4", 3.25)
INK = Item("INK-BK", 12.0)

orders = [
    Order(2, 101, [PEN, PAD]),
    Order(1, 102, [INK]),
    Order(3, 103, [PEN, INK, PAD]),
    Order(1, 104, [PAD, PAD]),
]
warehouse = Warehouse({"PEN-01": 5, "PAD-A4": 2, "INK-BK": 1})


def process(order: Order, delay: float) -> None:
    time.sleep(delay)  # payment check
    warehouse.fulfil(order)


# urgent orders (low priority number) are checked first
threads = [
    threading.Thread(target=process, args=(order, 0.05 * rank), name=f"order-{order.order_id}")
    for rank, order in enumerate(sorted(orders))
]
for t in threads:
    t.start()
for t in threads:
    t.join()

for order in orders:
    print(f"order {order.order_id}: {order.status:<11} total={order.total}")
print(warehouse)
print(asdict(orders[1]))
print(replace(PEN, price=1.75), PEN == Item("PEN-01", 1.5))
try:
    PEN.price = 0
except Exception as exc:
    print(type(exc).__name__, exc)
