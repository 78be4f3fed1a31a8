import sys, datetime, decimal
from sqlalchemy import (create_engine, Column, Integer, String, Float, DateTime, Boolean, Numeric,
    ForeignKey, Text, func, select, inspect, LargeBinary, Date, case, and_, or_, desc, literal)
from sqlalchemy.orm import declarative_base, relationship, Session, selectinload, joinedload
Base = declarative_base()
class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String(50), nullable=False, unique=True)
    email = Column(String(120))
    score = Column(Float, default=0.0)
    active = Column(Boolean, default=True)
    created = Column(DateTime, default=datetime.datetime(2024,1,2,3,4,5))
    born = Column(Date)
    balance = Column(Numeric(10, 2))
    avatar = Column(LargeBinary)
    posts = relationship("Post", back_populates="author", cascade="all, delete-orphan")
class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True)
    title = Column(String(200))
    body = Column(Text)
    views = Column(Integer, default=0)
    author = relationship("User", back_populates="posts")
e = create_engine("sqlite:///" + sys.argv[1])
Base.metadata.create_all(e)
with Session(e) as s:
    for i in range(5):
        u = User(name=f"user{i}", email=None if i % 2 else f"u{i}@x.org", score=i * 1.5,
                 active=i % 3 != 0, born=datetime.date(1990 + i, 1, 1), balance=decimal.Decimal("10.25") * i,
                 avatar=bytes([i, 0, 255]))
        u.posts = [Post(title=f"t{i}-{j}", body="b" * j, views=i * j) for j in range(i)]
        s.add(u)
    s.commit()
    print(s.execute(select(User.name, func.count(Post.id).label("n")).outerjoin(Post).group_by(User.id).order_by(desc("n"), User.name)).all())
    print(s.execute(select(User.name, func.coalesce(User.email, "none"))).all())
    print(s.execute(select(User.name, case((User.score > 3, "high"), else_=User.email))).all())
    print(s.execute(select(func.sum(Post.views), func.avg(Post.views), func.max(Post.title))).all())
    print([ (u.name, u.balance, u.born, u.created, u.active, u.avatar) for u in s.scalars(select(User).order_by(User.id))])
    print([ (u.name, len(u.posts)) for u in s.scalars(select(User).options(selectinload(User.posts)).order_by(User.name))])
    print([ (u.name, len(u.posts)) for u in s.scalars(select(User).options(joinedload(User.posts)).order_by(User.name)).unique()])
    u = s.scalars(select(User).where(User.name == "user3")).one()
    u.score += 1; u.email = "new@x"; s.commit()
    s.delete(s.get(User, 2)); s.commit()
    print(s.execute(select(User.id, User.score, User.email).where(or_(User.active == True, User.score > 4)).order_by(User.id)).all())
    print(s.execute(select(Post.user_id, func.group_concat(Post.title)).group_by(Post.user_id)).all())
    print(s.execute(select(User.name).where(User.name.like("user%")).where(User.name.in_(["user1", "user4"])).limit(5).offset(0)).all())
    print(s.execute(select(func.date(User.created), func.strftime("%Y", User.born)).limit(2)).all())
    sub = select(Post.user_id, func.count().label("c")).group_by(Post.user_id).subquery()
    print(s.execute(select(User.name, sub.c.c).join(sub, sub.c.user_id == User.id).order_by(sub.c.c)).all())
    print(s.execute(select(User.name).where(User.id.in_(select(Post.user_id).where(Post.views > 3)))).all())
ins = inspect(e)
print(ins.get_table_names())
print([ (c["name"], str(c["type"]), c["nullable"], c["default"]) for c in ins.get_columns("users")])
print(ins.get_indexes("posts"), ins.get_foreign_keys("posts"), ins.get_pk_constraint("users"), ins.get_unique_constraints("users"))
